// Which sections of an open plan have sign-off answers an edit would withdraw (docs/workflow.md,
// "Sign-off"), and the withdrawal when one of them changes. The list is read from the database
// when the plan opens and whenever sign-offs change; an update to a plan with nothing watched
// costs one size check, and one to a watched plan a walk from each changed Yjs type up to its
// section. The database is asked only when a watched section changed.
import * as Y from "yjs";
import { PLAN_FRAGMENT } from "../../app/editor/document.server";
import { signOffWatchList, withdrawForEdit } from "../../app/models/sign-off.server";
import { errorFields, log } from "../../app/utils/log.server";

interface Change {
  sectionIds: Set<string>;
  /** Sections added, removed or moved (a change of the plan, not of one section's text). */
  structural: boolean;
}

/** Collects what changed while an approval is being recorded (see `guard`). */
export interface ApprovalGuard {
  /** The version the approval names was read from the document now: only later edits count. */
  snapshotTaken(): void;
  release(): void;
}

export class SignOffWatch {
  private wholePlan = false;
  private sectionIds = new Set<string>();
  /** Edits of watched sections waiting to be withdrawn, by editor (null: the server). */
  private waiting = new Map<number | null, Change>();
  private working: Promise<void> | undefined;
  private readonly guards = new Set<{ target: string | null; change: Change }>();

  constructor(
    private readonly planId: string,
    /** Sign-offs changed: open pages reload the plan's details. */
    private readonly onWithdrawn: () => void,
  ) {}

  private get isWatching(): boolean {
    return this.wholePlan || this.sectionIds.size > 0 || this.guards.size > 0;
  }

  /** Reads again what is watched (after a request, an answer, a cancel, a withdrawal). */
  async reload(): Promise<void> {
    try {
      const list = await signOffWatchList(this.planId);
      this.wholePlan = list.wholePlan;
      this.sectionIds = list.sectionIds;
    } catch (error) {
      log.error("could not read the plan's sign-offs", { plan: this.planId, ...errorFields(error) });
    }
  }

  /** After a change of the text by `userId` (not comment marks, not a suggester's suggestions). */
  noteEdit(transaction: Y.Transaction, userId: number | null): void {
    if (!this.isWatching) return;
    const change = touchedSections(transaction);
    if (change.sectionIds.size === 0 && !change.structural) return;
    for (const guard of this.guards) {
      if (guard.target === null || change.sectionIds.has(guard.target)) mergeInto(guard.change, change);
    }
    const matters = this.wholePlan || [...change.sectionIds].some((id) => this.sectionIds.has(id));
    if (!matters) return;
    const waiting = this.waiting.get(userId) ?? { sectionIds: new Set(), structural: false };
    mergeInto(waiting, change);
    this.waiting.set(userId, waiting);
    this.working ??= this.withdrawWaiting();
  }

  /**
   * While an approval of `target` (a section id; null: the whole plan) is recorded: edits of it
   * after the version was read are withdrawn once the approval is stored, rather than slipping
   * between the version and the watch list read again after it.
   */
  guard(target: string | null): ApprovalGuard {
    const entry = { target, change: { sectionIds: new Set<string>(), structural: false } };
    this.guards.add(entry);
    return {
      snapshotTaken: () => {
        entry.change = { sectionIds: new Set(), structural: false };
      },
      release: () => {
        this.guards.delete(entry);
        const { change } = entry;
        if (change.sectionIds.size === 0 && !change.structural) return;
        const waiting = this.waiting.get(null) ?? { sectionIds: new Set(), structural: false };
        mergeInto(waiting, change);
        this.waiting.set(null, waiting);
      },
    };
  }

  /** Withdraws what is waiting now (after a guard's release), and settles once done. */
  async settle(): Promise<void> {
    await this.reload();
    if (this.waiting.size > 0) this.working ??= this.withdrawWaiting();
    await this.working;
  }

  private async withdrawWaiting(): Promise<void> {
    try {
      // Typing goes on meanwhile: what arrives while one withdrawal runs waits for the next.
      while (this.waiting.size > 0) {
        const batch = this.waiting;
        this.waiting = new Map();
        let withdrawn = 0;
        for (const [editorId, change] of batch) withdrawn += await withdrawForEdit(this.planId, editorId, change);
        await this.reload();
        if (withdrawn > 0) this.onWithdrawn();
      }
    } catch (error) {
      log.error("sign-off withdrawal failed", { plan: this.planId, ...errorFields(error) });
    } finally {
      this.working = undefined;
    }
  }
}

function mergeInto(target: Change, change: Change): void {
  for (const id of change.sectionIds) target.sectionIds.add(id);
  target.structural ||= change.structural;
}

/** The sections whose content a transaction changed: each changed type's ancestor just under
 * the plan's fragment. A change of the fragment's own list is structural. */
function touchedSections(transaction: Y.Transaction): Change {
  const fragment: unknown = transaction.doc.getXmlFragment(PLAN_FRAGMENT);
  const change: Change = { sectionIds: new Set(), structural: false };
  for (const type of transaction.changed.keys()) {
    if (type === fragment) {
      change.structural = true;
      continue;
    }
    let node = type;
    while (node._item && node._item.parent !== fragment) node = node._item.parent as typeof type;
    if (node._item?.parent === fragment && node instanceof Y.XmlElement) {
      const id: unknown = node.getAttribute("id");
      if (typeof id === "string") change.sectionIds.add(id);
    }
  }
  return change;
}
