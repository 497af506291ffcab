// The shapes the server sends to pages (loaders and the JSON API) that the browser's components
// read: types only, so that components never import a *.server.ts module, not even for types
// (eslint.config.js checks it).
import type { ThreadDisposition } from "../../db/schema";
import type { SectionStatus } from "./roles";

export interface Person {
  id: number;
  name: string;
  email: string;
  organisation: string;
}

/** A person as the API shows them: the email only to the plan's owners (roles.ts
 * "plan.seeEmails"); names and organisations to every member. */
export type PersonView = Omit<Person, "email"> & { email?: string };

export interface ThreadView {
  id: string;
  sectionId: string;
  quote: string;
  anchor: "text" | "section";
  status: "open" | "resolved";
  detached: boolean;
  disposition: ThreadDisposition | null;
  response: string | null;
  roundId: number | null;
  createdAt: number;
  author: PersonView;
  resolvedBy: PersonView | null;
  /** The member who is to take it up ("assign to"), and by when (YYYY-MM-DD). */
  assignee: PersonView | null;
  dueDate: string | null;
  canResolve: boolean;
  /** Whether the caller may change who it is assigned to. */
  canAssign: boolean;
  /** Whether the caller may reply now (a closed consultation round stops partners). */
  canReply: boolean;
  comments: CommentView[];
}

export interface CommentView {
  id: number;
  author: PersonView;
  body: string;
  deleted: boolean;
  createdAt: number;
  editedAt: number | null;
  mentions: number[];
  canEdit: boolean;
}

/** A section's details beside its text (plan_sections). */
export interface SectionDetails {
  id: string;
  title: string;
  position: number;
  status: SectionStatus;
  leadOrganisationId: number | null;
  leadOrganisationName: string | null;
  assigneeUserId: number | null;
  assigneeName: string | null;
  dueDate: string | null;
  guidance: string;
}

/** Why the Word import refused a file. */
export type ImportRefusal = "noFile" | "tooLarge" | "notDocx" | "unpacksTooLarge" | "damaged" | "tooMuchText" | "busy";
