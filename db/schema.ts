// The database's tables as Kysely types: the one place where their shape is written down.
// Times are integers (milliseconds since the epoch) so the same code serves PostgreSQL later.
import type { Generated, Insertable, Selectable } from "kysely";
import type { Role } from "../app/models/roles";

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

/** The compacted document: the state of every update up to `through_update_id`. */
export interface PlanDocumentsTable {
  plan_id: string;
  state: Uint8Array;
  through_update_id: number;
  updated_at: number;
}

/** Which account each Yjs client id belongs to: authorship from the server's own records. */
export interface PlanClientsTable {
  plan_id: string;
  client_id: number;
  user_id: number;
  first_seen_at: number;
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
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Plan = Selectable<PlansTable>;
export type PlanMember = Selectable<PlanMembersTable>;
