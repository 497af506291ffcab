// What the collaboration server needs from wherever a plan's update log is kept: the
// interface the update store and the live plans are given (sql-update-log.ts is the one we
// run; tests may hand in their own).
import type { StateSummary } from "../../../app/models/plan-document.server";

export interface StoredUpdate {
  planId: string;
  userId: number | null;
  /** Null for a record of who sent an update Yjs is still holding back (bindings and
   * deletions only: the update itself is stored with the transaction that applies it). */
  update: Uint8Array | null;
  createdAt: number;
  /** Yjs client ids that first appear in this update, to bind to its author. */
  newClientIds: number[];
  /** Item id ranges this update deleted, [client, clock, length]: who deleted what. */
  deletions?: [number, number, number][];
}

/** One row of a plan's update log as read back: its id, its author, its bytes. */
export interface StoredRow {
  rowId: number;
  userId: number | null;
  update: Uint8Array;
}

export interface UpdateLog {
  /** Stores a batch in one transaction; each update's row id, in order (0: no update). */
  append(updates: StoredUpdate[]): Promise<number[]>;
  /** The plan's stored updates, oldest first, and the id of the last row they include;
   * `summary` when they are one compacted state that has one stored beside it. */
  readPlan(planId: string): Promise<{ updates: Uint8Array[]; lastUpdateId: number; summary?: StateSummary }>;
  /** Yjs client id → account id, as the server recorded them. */
  readClientBindings(planId: string): Promise<Map<number, number>>;
  /** The ids of the plan's rows after `afterId`, and how many updates each folds in. */
  listRowIdsAfter(planId: string, afterId: number): Promise<{ id: number; mergedCount: number }[]>;
  /** The plan's rows with these ids, oldest first (missing ids are left out). */
  readRows(planId: string, ids: number[]): Promise<StoredRow[]>;
  /** How many rows lie outside the plan's compacted state. */
  countUncompacted(planId: string): Promise<number>;
  /** Stores the summary of the plan's compacted state if it has none (see compaction.ts). */
  summarize(planId: string): Promise<void>;
  /** Folds the log into a stored state (see compaction.ts); `skipped`: another is at it. */
  compact(planId: string, options?: { minUpdates?: number }): Promise<{ foldedRows: number; skipped?: true }>;
  /** Whether the plan's stored content was checked against the schema as a whole. */
  isContentChecked(planId: string): Promise<boolean>;
  markContentChecked(planId: string): Promise<void>;
}
