// Who wrote each change to a plan (docs/versions.md): every Yjs transaction's origin says
// where its update came from, and a client's update travels into Yjs with its authorship
// record (ClientUpdate), so what the update handler stores is read off the transaction it
// handles, not off state left beside it. Like Hocuspocus's transaction origins
// (ConnectionTransactionOrigin, RedisTransactionOrigin).
import * as Y from "yjs";
import type { StoredUpdate } from "./storage/update-log";
import type { PlanSocket } from "./plan-socket";
import { can } from "../../app/models/roles";
import { schemaRefusal } from "./schema-guard";
import type { SuggestionGate } from "./suggestion-gate";

/** Yjs client id → account id, from the server's own records. */
export type ClientOwners = Map<number, number>;

/** Applying what is stored, when a plan is opened: not a change. */
export const LOAD_ORIGIN = Symbol("load");
/** The server's own edits: taking out what was stored outside the schema before the server
 * checked every update (docs/security.md). */
export const REPAIR_ORIGIN = Symbol("repair");

/** Updates another instance stored: relayed to our sockets, never stored again by us, unless
 * Yjs may integrate one of our clients' held-back updates in the same transaction. */
export class StoredElsewhere {
  constructor(readonly mayApplyHeldBack: boolean) {}
}

/** An edit the server makes for a person through another path than their socket (the comment
 * mark of docs/comments.md): stored and relayed as theirs, its client id bound to them. */
export class EditOnBehalf {
  constructor(
    readonly userId: number,
    /** A comment mark changes no text: it does not make a checkpoint due. */
    readonly isCommentMark = false,
    /** A suggestion proposes text without changing it: it withdraws no sign-off. */
    readonly isSuggestion = false,
  ) {}
}

/**
 * One client update on its way into the plan: what the checks found, the client ids bound to
 * the sender on arrival and the deletions it declared. Created by `check`, applied with itself
 * as the transaction origin; the update handler takes its bindings and deletions
 * (`authorshipOf`); whatever Yjs held back is stored by `unappliedRecord`. Checks of what a
 * sender may write go here, their findings with them.
 */
export class ClientUpdate {
  private bindings: number[] = [];
  private deletions: [number, number, number][] = [];

  private constructor(
    readonly socket: PlanSocket,
    /** The update as applied: structs under client ids bound to other accounts taken out. */
    readonly update: Uint8Array,
    /** Client ids the update as sent carries structs for, with their end clocks. */
    private readonly clientClocks: Map<number, number>,
    /** Client ids bound to another account that it wrote under (taken out of `update`). */
    readonly foreignClientIds: number[],
    /** Why it is refused whole, or null: it adds what the plan schema does not hold, or it
     * changes more than its sender's own suggestions (a sender who may only suggest, or anyone
     * writing a suggestion under another's name). */
    readonly refusal: { kind: "outsideSchema" | "notASuggestion" | "rateLimited"; reason: string } | null,
  ) {}

  /**
   * Authorship rests on each Yjs client id having one account: structs under a client id bound
   * to another account are taken out before anything is applied (the rest of the update, the
   * sender's own edits, still counts); then the whole is checked against the plan schema, its
   * suggestion marks against their authors, and a suggest-only sender's whole effect against
   * what suggesting may change (suggestion-gate.ts).
   */
  static check(doc: Y.Doc, update: Uint8Array, socket: PlanSocket, owners: ClientOwners, gate: SuggestionGate): ClientUpdate {
    const userId = socket.user.id;
    const { to } = Y.parseUpdateMeta(update);
    const foreign = [...to].filter(([clientId, end]) => {
      const owner = owners.get(clientId);
      return owner !== undefined && owner !== userId && end > Y.getState(doc.store, clientId);
    });
    if (foreign.length > 0)
      update = Y.diffUpdate(update, Y.encodeStateVector(new Map(foreign.map(([clientId]) => [clientId, 2 ** 53 - 1]))));
    const foreignClientIds = foreign.map(([clientId]) => clientId);
    const mayOnlySuggest = !can(socket.role, "plan.editText");
    const outsideSchema = schemaRefusal(doc, update);
    const notASuggestion = outsideSchema
      ? null
      : (gate.foreignSuggestion(update, userId) ?? (mayOnlySuggest ? gate.refusalForSuggester(update, userId) : null));
    const refusal = outsideSchema
      ? { kind: "outsideSchema" as const, reason: outsideSchema }
      : notASuggestion === "rateLimited"
        ? { kind: "rateLimited" as const, reason: "its refused updates cost too many copies of the plan" }
        : notASuggestion
          ? { kind: "notASuggestion" as const, reason: notASuggestion }
          : null;
    return new ClientUpdate(socket, update, to, foreignClientIds, refusal);
  }

  get userId(): number {
    return this.socket.user.id;
  }

  /**
   * Records, before the update is applied, what it brings as the sender's: client ids are bound
   * to the account whose update first names them, on arrival; likewise deletions count as the
   * sender's when they arrive. Yjs may hold an update back until what it builds on arrives (a
   * client typing while it resyncs) and then apply it inside someone else's transaction: it
   * must not count as the next sender's.
   */
  admit(doc: Y.Doc, owners: ClientOwners): void {
    for (const [clientId, end] of this.clientClocks) {
      if (end > Y.getState(doc.store, clientId) && !owners.has(clientId)) {
        owners.set(clientId, this.userId);
        this.bindings.push(clientId);
      }
    }
    this.deletions.push(...newDeletions(doc, this.update));
  }

  /** The sender has what it sent; but if Yjs applied a held-back update of someone else's
   * inside this transaction, the sender lacks that part: it gets the whole update too. */
  senderLacksPartOf(transaction: Y.Transaction): boolean {
    return [...transaction.afterState].some(
      ([clientId, clock]) => clock > (transaction.beforeState.get(clientId) ?? 0) && !this.clientClocks.has(clientId),
    );
  }

  /** The bindings and deletions once stored with the transaction that applied the update. */
  takeBindingsAndDeletions(): { bindings: number[]; deletions: [number, number, number][] } {
    return { bindings: this.bindings.splice(0), deletions: this.deletions.splice(0) };
  }

  /** After applying: when nothing of the update was applied yet (it waits for what it builds
   * on), the record of who sent it, to store now; else null. */
  unappliedRecord(planId: string): StoredUpdate | null {
    if (this.bindings.length === 0 && this.deletions.length === 0) return null;
    const { bindings, deletions } = this.takeBindingsAndDeletions();
    return { planId, userId: this.userId, update: null, createdAt: Date.now(), newClientIds: bindings, deletions };
  }

  /** What the sender is told: its own editing session (its presence speaks for the id) lost
   * edits and must not be told "Saved" for them, or someone else's structs were taken out. */
  outcome(): "applied" | "foreignClient" | "ownClientIdTaken" {
    if (this.foreignClientIds.some((clientId) => this.socket.awarenessClientIds.has(clientId))) return "ownClientIdTaken";
    if (this.foreignClientIds.length > 0) return "foreignClient";
    return "applied";
  }
}

/**
 * The author, client ids to bind and deletions to store with a transaction's update. A
 * client's deletions are the ones its update declared (recorded on arrival); the server's own
 * edits' are the transaction's. Client ids new in the transaction are bound to its author.
 */
export function authorshipOf(
  origin: unknown,
  transaction: Y.Transaction,
  owners: ClientOwners,
): Pick<StoredUpdate, "userId" | "newClientIds" | "deletions"> {
  const incoming = origin instanceof ClientUpdate ? origin : undefined;
  const userId = incoming?.userId ?? (origin instanceof EditOnBehalf ? origin.userId : null);
  const { bindings: newClientIds, deletions } = incoming?.takeBindingsAndDeletions() ?? { bindings: [], deletions: [] };
  if (userId === null) return { userId, newClientIds, deletions };
  for (const [clientId, clock] of transaction.afterState) {
    if (clock > (transaction.beforeState.get(clientId) ?? 0) && !owners.has(clientId)) {
      owners.set(clientId, userId);
      newClientIds.push(clientId);
    }
  }
  if (!incoming) {
    for (const [clientId, ranges] of transaction.deleteSet.clients) {
      for (const range of ranges) deletions.push([clientId, range.clock, range.len]);
    }
  }
  return { userId, newClientIds, deletions };
}

/**
 * The id ranges an update deletes that `doc` does not have deleted yet, [client, clock, length].
 * A client's sync step 2 declares every deletion it knows of; only the new ones are its own
 * (else whoever reconnects first after a deletion nobody recorded, such as the server's own
 * repair, would be credited with it). Ranges of structs the document does not have yet are kept:
 * they arrive deleted.
 */
function newDeletions(doc: Y.Doc, update: Uint8Array): [number, number, number][] {
  const ranges: [number, number, number][] = [];
  const add = (clientId: number, clock: number, length: number) => {
    const last = ranges[ranges.length - 1];
    if (last && last[0] === clientId && last[1] + last[2] === clock) last[2] += length;
    else ranges.push([clientId, clock, length]);
  };
  for (const [clientId, items] of Y.decodeUpdate(update).ds.clients) {
    const structs = doc.store.clients.get(clientId) ?? [];
    const known = Y.getState(doc.store, clientId);
    for (const { clock, len } of items) {
      const end = clock + len;
      let at = clock;
      if (at < known) {
        for (let index = Y.findIndexSS(structs, at); at < Math.min(end, known); index += 1) {
          const struct = structs[index]!;
          const upTo = Math.min(end, struct.id.clock + struct.length);
          if (!struct.deleted) add(clientId, at, upTo - at);
          at = upTo;
        }
      }
      if (end > at) add(clientId, at, end - at);
    }
  }
  return ranges;
}
