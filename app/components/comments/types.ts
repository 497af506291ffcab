// The comment shapes the page reads from the JSON API (docs/comments.md, "Addresses").

export interface Person {
  id: number;
  name: string;
  email: string;
  organisation: string;
}

export const DISPOSITIONS = ["accepted", "partly_accepted", "not_accepted", "noted"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export interface ThreadComment {
  id: number;
  author: Person;
  /** Plain text; "" when deleted. */
  body: string;
  deleted: boolean;
  createdAt: number;
  editedAt: number | null;
  mentions: number[];
  canEdit: boolean;
}

export interface Thread {
  id: string;
  /** Where its text is now; the section it was made in when detached. */
  sectionId: string;
  quote: string;
  anchor: "text" | "section";
  status: "open" | "resolved";
  detached: boolean;
  disposition: Disposition | null;
  response: string | null;
  roundId: number | null;
  createdAt: number;
  author: Person;
  resolvedBy: Person | null;
  canResolve: boolean;
  /** Whether this person may reply now (a closed consultation round stops partners). */
  canReply: boolean;
  comments: ThreadComment[];
}

export interface RoundSummary {
  id: number;
  name: string;
  deadline: number;
  isOpen: boolean;
  sectionIds: string[];
}

export interface ThreadsResponse {
  threads: Thread[];
  members: Person[];
  rounds: RoundSummary[];
}

/** The longest comment body the server accepts. */
export const MAX_COMMENT_LENGTH = 5000;
