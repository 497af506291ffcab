// The shapes of sign-offs (docs/workflow.md, "Sign-off") that pages and the JSON API share:
// types only, so components read them without importing a *.server.ts module.

export type SignOffDecision = "approve" | "refuse";

export interface SignOffPerson {
  id: number;
  name: string;
  organisation: string;
}

export interface SignOffApproverView extends SignOffPerson {
  state: "waiting" | "approved" | "refused";
  answeredAt: number | null;
  /** The version of the text they approved (their approval's, until an edit withdraws it). */
  versionId: number | null;
  reason: string | null;
}

export interface SignOffView {
  id: number;
  /** Null: the whole plan. */
  sectionId: string | null;
  sectionTitle: string | null;
  status: "open" | "approved" | "cancelled";
  /** YYYY-MM-DD. */
  dueDate: string;
  createdAt: number;
  requestedBy: SignOffPerson | null;
  approvers: SignOffApproverView[];
  /** For the caller: they are asked and have not answered, and it is open. */
  canAnswer: boolean;
  /** For the caller: an owner, and it is not cancelled. */
  canCancel: boolean;
}

/** One line of a sign-off's history (the history page). */
export interface SignOffEventView {
  id: number;
  requestId: number;
  kind: "asked" | "approved" | "refused" | "withdrawn" | "complete" | "cancelled";
  sectionId: string | null;
  sectionTitle: string | null;
  actor: SignOffPerson | null;
  /** For "asked": who was asked. */
  approver: SignOffPerson | null;
  /** For "approved": the version of the text approved. */
  versionId: number | null;
  reason: string | null;
  createdAt: number;
}

/** A sign-off waiting for the caller's answer (the dashboard). */
export interface SignOffAskedOfYou {
  id: number;
  planId: string;
  planTitle: string;
  sectionId: string | null;
  sectionTitle: string | null;
  dueDate: string;
  requestedBy: string | null;
}
