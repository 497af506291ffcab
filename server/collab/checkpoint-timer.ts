// When a plan's automatic checkpoint is due (docs/versions.md): after a quiet time once
// editing stops, and at least every so often while it goes on; and who edited since the last
// version, for the next one's authors.

export interface CheckpointTimes {
  /** Quiet time after changes before a checkpoint is due. */
  quietMs: number;
  /** Longest time changes go without a checkpoint while editing goes on. */
  maxIntervalMs: number;
}
export const NO_CHECKPOINTS: CheckpointTimes = { quietMs: Infinity, maxIntervalMs: Infinity };

export class CheckpointTimer {
  /** Accounts that changed the plan since its last version; null: no change since. */
  private editorsSinceVersion: Set<number> | null = null;
  private lastVersionAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly times: CheckpointTimes,
    /** Called when a checkpoint is due (the hub saves it); settles once it is written. */
    private readonly due: () => Promise<void> | void,
  ) {}

  /** Whether anything changed since the last version was kept. */
  get hasChanges(): boolean {
    return this.editorsSinceVersion !== null;
  }

  /** The accounts that edited since the last version; resets the count for the next one. */
  takeEditors(): number[] {
    const editors = [...(this.editorsSinceVersion ?? [])];
    this.editorsSinceVersion = null;
    this.lastVersionAt = Date.now();
    this.stop();
    return editors;
  }

  /** An author of changes another instance stored: counted for the next version; its timer
   * is the storing instance's. */
  noteAuthor(userId: number): void {
    (this.editorsSinceVersion ??= new Set()).add(userId);
  }

  /** A change made here: counts its author and (re)starts the wait for the checkpoint. */
  noteChange(authorId: number | null): void {
    this.editorsSinceVersion ??= new Set();
    if (authorId !== null) this.editorsSinceVersion.add(authorId);
    if (!Number.isFinite(this.times.quietMs)) return;
    clearTimeout(this.timer);
    if (Date.now() - this.lastVersionAt >= this.times.maxIntervalMs) {
      // Once, not on every keystroke until the checkpoint is written.
      this.lastVersionAt = Date.now();
      this.timer = undefined;
      void this.due();
      return;
    }
    this.timer = setTimeout(() => void this.due(), this.times.quietMs);
    this.timer.unref();
  }

  /** Keeps a checkpoint now if one is waiting for its quiet time; false when none was. */
  async keepWaitingNow(): Promise<boolean> {
    if (!this.timer) return false;
    this.stop();
    await this.due();
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
