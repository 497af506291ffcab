// Sync step 2 answers, encoded once per state of the plan: one for newcomers (an empty state
// vector) and a few for returning clients, keyed by the part of their state vector that bears
// on the plan. Every change drops them.
import * as Y from "yjs";
import { encodeSyncStep2Update } from "./messages";

/** Sync step 2 answers kept per plan state, besides the newcomers' (each up to the plan's size). */
const MAX_CACHED_SYNC_ANSWERS = 4;

/**
 * The part of a client's state vector that bears on what it lacks from `doc`. Clients the
 * document has never seen and clocks past ours change nothing in the answer, so they are left
 * out; a lower clock could only make the answer larger, never miss anything.
 */
function relevantStateVector(doc: Y.Doc, stateVector: Uint8Array): Map<number, number> {
  const relevant = new Map<number, number>();
  for (const [clientId, clock] of Y.decodeStateVector(stateVector)) {
    const ours = Y.getState(doc.store, clientId);
    if (clock > 0 && ours > 0) relevant.set(clientId, Math.min(clock, ours));
  }
  return relevant;
}

export class SyncAnswers {
  /** Sync step 2 for a client with an empty document. */
  newcomers: Uint8Array | undefined;
  /** Sync step 2 for other state vectors, by their relevant part (relevantStateVector). */
  private readonly byStateVector = new Map<string, Uint8Array>();
  /** Yjs's held-back structs and deletions as they were when the answers above were encoded:
   * they are part of every answer, and change without an update event. */
  private heldBack: { structs: Uint8Array | undefined; deletions: Uint8Array | null } = { structs: undefined, deletions: null };

  /** The plan changed: every answer is stale. */
  forget(): void {
    this.newcomers = undefined;
    this.byStateVector.clear();
  }

  /** Drops the answers if what Yjs holds back changed since they were encoded. */
  checkHeldBack(doc: Y.Doc): void {
    const structs = doc.store.pendingStructs?.update;
    const deletions = doc.store.pendingDs;
    if (structs === this.heldBack.structs && deletions === this.heldBack.deletions) return;
    this.heldBack = { structs, deletions };
    this.forget();
  }

  /**
   * What a returning client lacks. Every client asking with the same relevant part gets the same
   * answer: encoded once per state of the plan, however a modified client dresses its state
   * vector up. Undefined when it has nothing we have (the newcomers' answer fits it).
   */
  forStateVector(doc: Y.Doc, stateVector: Uint8Array, onEncoded: () => void): Uint8Array | undefined {
    const relevant = relevantStateVector(doc, stateVector);
    if (relevant.size === 0) return undefined;
    const relevantVector = Y.encodeStateVector(relevant);
    const key = Buffer.from(relevantVector.buffer, relevantVector.byteOffset, relevantVector.byteLength).toString("latin1");
    let answer = this.byStateVector.get(key);
    if (!answer) {
      onEncoded();
      answer = encodeSyncStep2Update(Y.encodeStateAsUpdate(doc, relevantVector));
      // Clients coming back share one or two; a socket asking for many is held to its budget.
      if (this.byStateVector.size >= MAX_CACHED_SYNC_ANSWERS) this.byStateVector.delete(this.byStateVector.keys().next().value!);
      this.byStateVector.set(key, answer);
    }
    return answer;
  }
}
