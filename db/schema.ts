// The database's tables as Kysely types: the one place where their shape is written down.
// Times are integers (milliseconds since the epoch) so the same code serves PostgreSQL later.
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { Role, SectionStatus } from "../app/models/roles";

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  short_name: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  organisation_id: number;
  password_hash: string;
  /** Interface language; null means "follow the browser". */
  locale: string | null;
  created_at: number;
  /** When the daily digest of notifications last went to them (server/mail/digest.ts). */
  digest_sent_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: number;
  expires_at: number;
}

export interface PlansTable {
  id: string;
  title: string;
  description: string;
  created_by: number;
  created_at: number;
  last_edited_at: number;
  /** When the stored content was checked against the plan schema as a whole; null: stored
   * before the server checked every update, not checked since (migration 0006). */
  content_checked_at: number | null;
}

export interface PlanMembersTable {
  plan_id: string;
  user_id: number;
  role: Role;
  added_at: number;
}

/** The Yjs update log: every accepted update, with who sent it. */
export interface PlanUpdatesTable {
  id: Generated<number>;
  plan_id: string;
  /** Null for updates the server wrote itself (seed, templates). */
  user_id: number | null;
  update: Uint8Array;
  created_at: number;
  /** How many received updates compaction merged into this row. */
  merged_count: Generated<number>;
}

/** The compacted document: the state of every update up to `through_update_id`, and what
 * those updates said of who deleted what and when what was inserted (migration 0008,
 * app/models/attribution-ledger.server.ts); null before a compaction wrote one. */
export interface PlanDocumentsTable {
  plan_id: string;
  state: Uint8Array;
  through_update_id: number;
  updated_at: number;
  insertion_ledger: Uint8Array | null;
  deletion_ledger: Uint8Array | null;
  /** Y.encodeStateVector of `state` (migration 0012); null if written before. */
  state_vector: Uint8Array | null;
  /** commentAnchorsIn of `state`, as encodeCommentAnchors writes it; null if written before. */
  comment_anchors: string | null;
  /** The state's document as ProseMirror JSON, raw DEFLATE (migration 0013); null if written
   * before; empty if the state's document could not be read. */
  content: Uint8Array | null;
  /** JSON of suggestionsInDocument of `state` (migration 0013); null if written before or unreadable. */
  suggestions: string | null;
}

/** Which account each Yjs client id belongs to: authorship from the server's own records. */
export interface PlanClientsTable {
  plan_id: string;
  client_id: number;
  user_id: number;
  first_seen_at: number;
}

/** A section's details; its text lives in the Yjs document under the same id. */
export interface PlanSectionsTable {
  plan_id: string;
  section_id: string;
  /** The heading's text, as last seen in the document (for lists outside the editor). */
  title: string;
  position: number;
  /** Set when the section left the document; details are kept if it comes back. */
  removed_at: number | null;
  lead_organisation_id: number | null;
  assignee_user_id: number | null;
  status: Generated<SectionStatus>;
  /** YYYY-MM-DD, or null. */
  due_date: string | null;
  guidance: Generated<string>;
  updated_at: number;
}

/** Who changed which detail, from what to what. */
export interface PlanActivityTable {
  id: Generated<number>;
  plan_id: string;
  user_id: number | null;
  section_id: string | null;
  field: string;
  from_value: string | null;
  to_value: string | null;
  created_at: number;
}

export type ThreadDisposition = "accepted" | "partly_accepted" | "not_accepted" | "noted";

/** A consultation round: partner organisations comment on some sections until a deadline. */
export interface ConsultationRoundsTable {
  id: Generated<number>;
  plan_id: string;
  name: string;
  deadline: number;
  /** Set when an owner closes it before its deadline. */
  closed_at: number | null;
  created_by: number;
  created_at: number;
}

export interface ConsultationRoundSectionsTable {
  round_id: number;
  section_id: string;
}

export interface ConsultationRoundOrganisationsTable {
  round_id: number;
  organisation_id: number;
}

export type InvitationStatus = "pending" | "accepted" | "declined";

/** An offer of a role on a plan, from a consultation round or an owner; the person becomes a
 * member only by accepting it (app/models/invitation.server.ts). */
export interface PlanInvitationsTable {
  id: Generated<number>;
  plan_id: string;
  /** Who is invited. */
  user_id: number;
  /** The role offered. */
  role: Role;
  invited_by: number;
  /** The round that invited them; null for an invitation from the members page. */
  round_id: number | null;
  status: Generated<InvitationStatus>;
  created_at: number;
  answered_at: number | null;
}

/** A comment thread; the passage it marks is a comment mark in the Yjs document. */
export interface CommentThreadsTable {
  id: string;
  plan_id: string;
  /** The section it was made in (where a detached thread is listed). */
  section_id: string;
  anchor: "text" | "section";
  /** The text it quoted when made; "" for a section comment. */
  quote: string;
  status: Generated<"open" | "resolved">;
  round_id: number | null;
  disposition: ThreadDisposition | null;
  response: string | null;
  disposition_by: number | null;
  disposition_at: number | null;
  created_by: number;
  created_at: number;
  resolved_by: number | null;
  resolved_at: number | null;
  /** Set when its only comment was deleted: no longer listed. */
  deleted_at: number | null;
  /** The member it is assigned to ("assign to"), and by when (YYYY-MM-DD). */
  assignee_id: number | null;
  due_date: string | null;
}

export interface CommentsTable {
  id: Generated<number>;
  thread_id: string;
  user_id: number;
  /** Plain text; rendered as text, never as HTML. */
  body: string;
  created_at: number;
  edited_at: number | null;
  /** A deleted comment keeps its row ("comment deleted") and loses its body. */
  deleted_at: number | null;
}

export interface CommentMentionsTable {
  comment_id: number;
  user_id: number;
}

/** A saved version: the plan's full encoded Yjs state and its section details then. */
export interface PlanVersionsTable {
  id: Generated<number>;
  plan_id: string;
  kind: "named" | "checkpoint";
  name: string;
  note: string;
  state: Uint8Array;
  /** How `state` is stored: as encoded by Yjs, or that compressed (raw DEFLATE). */
  state_encoding: ColumnType<"yjs" | "deflate", "yjs" | "deflate" | undefined, never>;
  /** JSON: the sections' details (docs/versions.md SectionDetail[]). */
  details: string;
  /** Of the text and details: a checkpoint equal to the previous version is not kept. */
  content_hash: string;
  /** JSON: ids of the accounts that edited since the previous version. */
  authors: string;
  created_by: number | null;
  created_at: number;
}

/** Yjs item ids deleted by an account (a delete set does not record who deleted), since the
 * plan's last compaction moved the earlier ones into plan_documents.deletion_ledger. */
export interface PlanDeletionsTable {
  plan_id: string;
  client_id: number;
  clock: number;
  length: number;
  user_id: number;
  /** When it was stored; 0 for deletions stored before migration 0008. */
  created_at: Generated<number>;
}

export type SuggestionStatus = "open" | "accepted" | "rejected" | "withdrawn";

/** A suggestion (tracked change): its words are suggestion marks in the Yjs document; this is
 * when it was first seen, its round and how it was resolved (docs/suggestions.md). An open row
 * whose marks are gone from the document is "outdated" (derived, never stored). */
export interface SuggestionsTable {
  plan_id: string;
  /** The marks' id. */
  id: string;
  /** The section its marks are in (as last seen). */
  section_id: string;
  author_id: number;
  /** A reviewed Word file's author who is not a member (shown "via Word: <name>"). */
  word_author: string | null;
  /** When the server first saw its marks. */
  created_at: number;
  /** The consultation round open on its section when it was first seen. */
  round_id: number | null;
  status: Generated<SuggestionStatus>;
  /** The proposed and the struck text, as last seen (kept after it is resolved). */
  inserted: Generated<string>;
  deleted: Generated<string>;
  resolved_by: number | null;
  resolved_at: number | null;
  /** Why it was rejected (or a note on accepting it). */
  reason: string | null;
  /** 1: accepted in part (the round's "partly accepted"); 0 otherwise. */
  partly: Generated<number>;
  /** The Word import's key for the tracked change it came from. */
  import_key: string | null;
}

/** A reply on a suggestion's card. */
export interface SuggestionRepliesTable {
  id: Generated<number>;
  plan_id: string;
  suggestion_id: string;
  user_id: number;
  /** Plain text. */
  body: string;
  created_at: number;
}

export type NotificationDelivery = "now" | "digest" | "none";

/** An entry in a person's inbox (docs/workflow.md); its words are rendered when read, in the
 * reader's language, from `kind` and `data`. */
export interface NotificationsTable {
  id: Generated<number>;
  /** Who it is for. */
  user_id: number;
  plan_id: string;
  kind: string;
  /** Who did what it tells of. */
  actor_id: number | null;
  /** JSON: what the text needs (app/models/notification-kinds.ts). */
  data: string;
  /** Where it leads: a path in the app. */
  url: string;
  /** How it was to be emailed when made: at once, in the daily digest, or not at all. */
  delivery: NotificationDelivery;
  created_at: number;
  read_at: number | null;
  /** When the outbox took it, alone or in a digest. */
  mailed_at: number | null;
  /** A reminder that reaches a person once (e.g. a round's deadline). */
  once_key: string | null;
}

/** A person's choice of email for one kind; no row means the kind's default. */
export interface NotificationSettingsTable {
  user_id: number;
  kind: string;
  delivery: "now" | "digest" | "off";
}

/** Mail waiting to go, and mail sent (server/mail/outbox.ts). */
export interface MailOutboxTable {
  id: Generated<number>;
  user_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** The one-click address that turns this mail's kind off (RFC 8058). */
  unsubscribe_url: string | null;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
  /** An instance sending it holds it until then. */
  claimed_until: number | null;
  sent_at: number | null;
  last_error: string | null;
}

/** When a person last left a plan, and the version holding the text as they saw it. */
export interface PlanVisitsTable {
  user_id: number;
  plan_id: string;
  seen_at: number;
  version_id: number | null;
}

export type SignOffStatus = "open" | "approved" | "cancelled";
export type SignOffAnswer = "waiting" | "approved" | "refused";
export type SignOffEventKind = "asked" | "approved" | "refused" | "withdrawn" | "complete" | "cancelled";

/** An owner's request that named members approve a section (or the whole plan: section_id
 * null) by a date (app/models/sign-off.server.ts). */
export interface SignOffRequestsTable {
  id: Generated<number>;
  plan_id: string;
  section_id: string | null;
  requested_by: number | null;
  /** YYYY-MM-DD. */
  due_date: string;
  status: Generated<SignOffStatus>;
  created_at: number;
  /** When it was approved by all, or cancelled. */
  closed_at: number | null;
}

/** A person asked, and their answer now (back to "waiting" when an edit withdraws it). */
export interface SignOffApproversTable {
  request_id: number;
  user_id: number;
  state: Generated<SignOffAnswer>;
  answered_at: number | null;
  /** The version of the text they approved. */
  version_id: number | null;
  /** Why they refused. */
  reason: string | null;
}

/** The history of a request: who was asked, who approved which version, who refused and why,
 * whose edit withdrew the approvals. */
export interface SignOffEventsTable {
  id: Generated<number>;
  request_id: number;
  plan_id: string;
  kind: SignOffEventKind;
  /** Who did it (the owner asking, the approver answering, the editor whose edit withdrew). */
  actor_id: number | null;
  /** For "asked": the person asked. */
  approver_id: number | null;
  version_id: number | null;
  reason: string | null;
  created_at: number;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  plans: PlansTable;
  plan_members: PlanMembersTable;
  plan_updates: PlanUpdatesTable;
  plan_documents: PlanDocumentsTable;
  plan_clients: PlanClientsTable;
  plan_sections: PlanSectionsTable;
  plan_activity: PlanActivityTable;
  consultation_rounds: ConsultationRoundsTable;
  consultation_round_sections: ConsultationRoundSectionsTable;
  consultation_round_organisations: ConsultationRoundOrganisationsTable;
  plan_invitations: PlanInvitationsTable;
  comment_threads: CommentThreadsTable;
  comments: CommentsTable;
  comment_mentions: CommentMentionsTable;
  plan_versions: PlanVersionsTable;
  plan_deletions: PlanDeletionsTable;
  suggestions: SuggestionsTable;
  suggestion_replies: SuggestionRepliesTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  mail_outbox: MailOutboxTable;
  plan_visits: PlanVisitsTable;
  sign_off_requests: SignOffRequestsTable;
  sign_off_approvers: SignOffApproversTable;
  sign_off_events: SignOffEventsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Plan = Selectable<PlansTable>;
export type PlanMember = Selectable<PlanMembersTable>;
