// Reading back what other instances stored that this one has not seen (docs/architecture.md,
// "Healing reads rows, not state vectors"): the last row of the plan's update log applied in
// full, the rows past it seen already, and the reads of the unseen ones. Pub/sub can drop
// messages and Redis can restart; this makes every instance correct from the database.
import { errorFields, log } from "../../app/utils/log.server";
import type { ClientOwners } from "./authorship";
import type { StoredRow, UpdateLog } from "./storage/update-log";

export interface HealingOptions {
  planId: string;
  log: Pick<UpdateLog, "listRowIdsAfter" | "readRows" | "readClientBindings">;
  owners: ClientOwners;
  /** Every row of the log up to this id is in the plan's document. */
  healedThroughId: number;
  /** Applies rows stored elsewhere to the plan (and notes them seen). */
  applyRows(rows: StoredRow[]): void;
  isDestroyed(): boolean;
}

export class PlanHealing {
  /** Every row of the plan's update log up to this id is in the document. */
  private healedThroughId: number;
  /** Rows past healedThroughId already in the document: stored by us or relayed to us. */
  private readonly seenRowIds = new Set<number>();
  private healing: Promise<void> | undefined;
  /** Asked to heal while a heal was reading: run once more after it. */
  private isHealAgainWanted = false;

  constructor(private readonly options: HealingOptions) {
    this.healedThroughId = options.healedThroughId;
  }

  /**
   * Updates another instance stored (published to us): applied and passed to our sockets, not
   * stored again. Rows we already have are left out.
   */
  receive(updates: StoredRow[], bindings: Iterable<[number, number]>): void {
    for (const [clientId, userId] of bindings) {
      if (!this.options.owners.has(clientId)) this.options.owners.set(clientId, userId);
    }
    const fresh = updates.filter((u) => u.rowId > this.healedThroughId && !this.seenRowIds.has(u.rowId));
    // Too large to publish, they came as row ids: read them from the database.
    const withheld = fresh.filter((u) => u.update.byteLength === 0);
    this.options.applyRows(withheld.length === 0 ? fresh : fresh.filter((u) => u.update.byteLength > 0));
    if (withheld.length > 0) {
      void this.heal().catch((error) =>
        log.error("reading a large update another instance stored failed; will retry", {
          plan: this.options.planId,
          ...errorFields(error),
        }),
      );
    }
  }

  /** Marks a row as in the document (heal skips it). */
  noteStoredRow(rowId: number): void {
    if (rowId > this.healedThroughId) this.seenRowIds.add(rowId);
  }

  /**
   * Reads from the database the rows other instances stored that we have not seen and applies
   * them. Runs after loading, after Redis reconnects, and every few seconds while the plan is
   * open; one at a time.
   */
  heal(): Promise<void> {
    if (this.healing) {
      // The running read may have listed ids before the row we are asked about committed.
      this.isHealAgainWanted = true;
      return this.healing;
    }
    this.healing = this.readMissedRows().finally(() => {
      this.healing = undefined;
      if (!this.isHealAgainWanted) return;
      this.isHealAgainWanted = false;
      void this.heal().catch((error) =>
        log.error("reading other instances' updates failed; will retry", { plan: this.options.planId, ...errorFields(error) }),
      );
    });
    return this.healing;
  }

  private async readMissedRows(): Promise<void> {
    const { planId, log: updateLog, owners } = this.options;
    const rows = await updateLog.listRowIdsAfter(planId, this.healedThroughId);
    if (rows.length === 0 || this.options.isDestroyed()) return;
    // A row another instance's compaction merged may fold in rows we never saw: read it again.
    const missing = rows.filter((row) => !this.seenRowIds.has(row.id) || row.mergedCount > 1).map((row) => row.id);
    if (missing.length > 0) {
      const [found, bindings] = await Promise.all([updateLog.readRows(planId, missing), updateLog.readClientBindings(planId)]);
      // The database's binding is the first one committed anywhere: it wins over one made
      // here on arrival (a client that moved from a dead instance may bring others' structs).
      for (const [clientId, userId] of bindings) owners.set(clientId, userId);
      this.options.applyRows(found);
      // Gone between the two reads: another instance's compaction merged them into a later
      // row, which the next heal lists with merged_count > 1 and reads. Until then, stay here.
      if (found.length < missing.length) return;
    }
    // A plan's rows commit in id order (appendUpdates), so nothing at or below this id is to come.
    const through = rows[rows.length - 1]!.id;
    if (through <= this.healedThroughId) return;
    this.healedThroughId = through;
    for (const id of this.seenRowIds) if (id <= through) this.seenRowIds.delete(id);
  }
}
