// Group commit: the updates accepted since the last commit go to the database in one
// transaction, and the writers of that batch hear back only after the commit. A commit starts
// at the end of the turn an update arrived in, but at most every MIN_COMMIT_INTERVAL_MS: a
// lone edit is stored at once, and under many typists one commit (its statements and its
// fsync, about a millisecond of CPU) carries the updates of several keystrokes. A failed write
// (disk full, database locked) is retried, never acknowledged, and reported on /healthz.
import { errorFields, log } from "../../app/utils/log.server";
import type { StoredUpdate, UpdateLog } from "./storage/update-log";

interface Batch {
  updates: StoredUpdate[];
  stored: Promise<void>;
  resolve: () => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  const stored = new Promise<void>((r) => (resolve = r));
  return { updates: [], stored, resolve };
}

const MAX_RETRY_DELAY_MS = 5_000;
/** "Saved" may come this much later under load (the editor asks for it at most this often too);
 * commits per second stay at most 20. Each commit costs the server CPU (its statements, its fsync):
 * at 20 ms, fan-out at 100 users spent ~34 µs per delivered update, at 50 ms ~29 (bench/). */
export const MIN_COMMIT_INTERVAL_MS = 50;

export class UpdateStore {
  private pending = newBatch();
  private writing: Batch | undefined;
  private scheduled = false;
  private lastCommitStartedAt = -Infinity;
  private failures = 0;
  storedUpdateCount = 0;
  storedBatchCount = 0;
  lastWriteError: { message: string; at: number } | undefined;

  /** Called after each commit with the batch and each update's row id (0: no update). */
  onStored: ((updates: StoredUpdate[], rowIds: number[]) => void) | undefined;

  /** `updateLog.append` writes each batch (storage/sql-update-log.ts in the server). */
  constructor(private readonly updateLog: Pick<UpdateLog, "append">) {}

  /** Queues an update; it is written with the others of this tick. */
  enqueue(update: StoredUpdate): void {
    this.pending.updates.push(update);
    this.schedule();
  }

  /** Resolves once everything queued so far is committed. */
  whenStored(): Promise<void> {
    if (this.pending.updates.length > 0) return this.pending.stored;
    if (this.writing) return this.writing.stored;
    return Promise.resolve();
  }

  get pendingCount(): number {
    return this.pending.updates.length + (this.writing?.updates.length ?? 0);
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    const wait = this.lastCommitStartedAt + MIN_COMMIT_INTERVAL_MS - Date.now();
    if (wait > 0) setTimeout(this.flushScheduled, wait);
    else setImmediate(this.flushScheduled);
  }

  private readonly flushScheduled = () => {
    this.scheduled = false;
    void this.flush();
  };

  private async flush(): Promise<void> {
    if (this.writing || this.pending.updates.length === 0) return;
    const batch = this.pending;
    this.pending = newBatch();
    this.writing = batch;
    this.lastCommitStartedAt = Date.now();
    let rowIds: number[] = [];
    for (;;) {
      try {
        rowIds = await this.updateLog.append(batch.updates);
        break;
      } catch (error) {
        this.failures += 1;
        this.lastWriteError = { message: error instanceof Error ? error.message : String(error), at: Date.now() };
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** Math.min(this.failures, 6));
        log.error("storing updates failed; will retry", { ...errorFields(error), updates: batch.updates.length, retryInMs: delay });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    if (this.failures > 0) log.info("storing updates recovered", { afterFailures: this.failures });
    this.failures = 0;
    this.lastWriteError = undefined;
    this.storedUpdateCount += batch.updates.length;
    this.storedBatchCount += 1;
    this.writing = undefined;
    try {
      this.onStored?.(batch.updates, rowIds);
    } catch (error) {
      log.error("after-store step failed", errorFields(error));
    }
    batch.resolve();
    if (this.pending.updates.length > 0) this.schedule();
  }
}
