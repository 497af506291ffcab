// What a person who may only suggest can change over their socket (docs/suggestions.md, "The
// server decides"). A commenter's editor writes suggestions as marks (app/editor/suggesting.ts),
// but a modified client can send any Yjs: so every update from a suggest-only socket is first
// applied to a copy of the plan kept beside it (the proving copy), and what Yjs integrated there
// is read back against the accepted text as it was. It passes only when
//   - every new character carries a suggestionInsert mark with the sender's account id, and no
//     suggestion mark of anyone else's;
//   - every character it deletes was the sender's own proposed insertion;
//   - every other character keeps its formatting, except that the sender's own suggestionDelete
//     marks may come and go;
//   - nothing else changes: no element, no attribute; at most an empty text run inside an
//     existing paragraph, where the first words of a paragraph go.
// Yjs decides where concurrent structs land and what formatting is in effect, so the check reads
// the result of integrating, not the update's bytes. A refused update leaves the copy behind
// (Yjs cannot take an update back): it is dropped and built again when next needed. Everyone
// (editors too) may only write suggestion marks under their own name, or re-create ones the plan
// has held (an undo brings back what it deleted, marks included).
import * as Y from "yjs";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "../../app/editor/suggestion-marks";
import { markNameOfKey } from "../../app/editor/schema-rules";
import { TokenBucket } from "../../app/utils/rate-limit";

/** Bytes of plan one account's updates may have copied into a new proving copy (a refused
 * update costs one): 5 MB at once, then 100 KB a second. A small plan is copied a hundred times
 * a minute; a large one an attacker keeps refusing is copied once a minute, and their socket is
 * told to come back later. */
const COPY_BYTES_PER_SECOND = 100_000;
const COPY_BYTES_BURST = 5_000_000;

type Formatting = Map<string, unknown>;

interface SuggestionValue {
  id: string;
  authorId: number;
}

function suggestionValue(value: unknown): SuggestionValue | null {
  if (typeof value !== "object" || value === null) return null;
  const { id, authorId } = value as Record<string, unknown>;
  return typeof id === "string" && typeof authorId === "number" ? { id, authorId } : null;
}

function suggestionMarkOf(key: string): string | null {
  const name = markNameOfKey(key);
  return name === SUGGESTION_INSERT || name === SUGGESTION_DELETE ? name : null;
}

export class SuggestionGate {
  /** The proving copy: the live document's state, kept in step while it exists. */
  private proving: Y.Doc | null = null;
  /** Suggestion id → its author, for every suggestion the plan has held since it was opened
   * (seeded from the stored suggestions and the document). */
  private readonly authors = new Map<string, number>();
  private scannedDocument = false;
  /** Per account: how many more proving copies its updates may have built. */
  private readonly copyBudgets = new Map<number, TokenBucket>();

  constructor(private readonly live: () => Y.Doc) {}

  /** Suggestions known from elsewhere (the suggestions table) when the plan opens. */
  rememberAuthors(entries: Iterable<[string, number]>): void {
    for (const [id, authorId] of entries) if (!this.authors.has(id)) this.authors.set(id, authorId);
  }

  /**
   * For every sender: why the update's new suggestion marks are not theirs to write, or null.
   * Read off the update's own structs (no integration needed): a mark's value names its author.
   */
  foreignSuggestion(update: Uint8Array, userId: number): string | null {
    if (!mentionsSuggestion(update)) return null;
    let problem: string | null = null;
    for (const struct of Y.decodeUpdate(update).structs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentFormat)) continue;
      if (!suggestionMarkOf(struct.content.key)) continue;
      const value = suggestionValue(struct.content.value);
      if (!value) continue; // null: the end of a mark; the schema check refuses malformed values
      const known = this.authorOf(value.id);
      if (known !== undefined && known !== value.authorId) problem = `suggestion ${value.id} belongs to another account`;
      else if (value.authorId !== userId && known === undefined) problem = `a new suggestion under account ${value.authorId}`;
      if (problem) return problem;
    }
    return null;
  }

  private authorOf(id: string): number | undefined {
    if (!this.authors.has(id) && !this.scannedDocument) {
      this.scannedDocument = true;
      this.noteSuggestionsIn(this.live());
    }
    return this.authors.get(id);
  }

  /** Every suggestion mark the document holds, or held and has not garbage-collected. */
  private noteSuggestionsIn(doc: Y.Doc): void {
    for (const structs of doc.store.clients.values()) {
      for (const struct of structs) this.noteItem(struct);
    }
  }

  private noteItem(struct: Y.Item | Y.GC): void {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentFormat) || !suggestionMarkOf(struct.content.key)) return;
    const value = suggestionValue(struct.content.value);
    if (value && !this.authors.has(value.id)) this.authors.set(value.id, value.authorId);
  }

  /**
   * For a suggest-only sender: why the update changes more than suggestions of their own, or
   * null. Applies it to the proving copy (see the top of this file).
   */
  refusalForSuggester(update: Uint8Array, userId: number): string | "rateLimited" | null {
    if (!this.proving) {
      const state = Y.encodeStateAsUpdate(this.live());
      const budget = this.copyBudgets.get(userId) ?? new TokenBucket(COPY_BYTES_PER_SECOND, COPY_BYTES_BURST);
      this.copyBudgets.set(userId, budget);
      if (!budget.take(Math.min(state.byteLength, COPY_BYTES_BURST))) return "rateLimited";
      this.proving = new Y.Doc();
      Y.applyUpdate(this.proving, state);
    }
    const proving = this.proving;
    let problem: string | null = "nothing was integrated";
    const token = Symbol("suggester update");
    const check = (transaction: Y.Transaction) => {
      if (transaction.origin === token) problem = new SuggesterCheck(transaction, userId).problem();
    };
    // Read before Yjs cleans up formatting and collects what was deleted.
    proving.on("afterTransaction", check);
    try {
      Y.applyUpdate(proving, update, token);
    } finally {
      proving.off("afterTransaction", check);
    }
    // An update with nothing new is not a transaction Yjs reports: nothing to refuse.
    if (problem === "nothing was integrated") problem = null;
    if (!problem && (proving.store.pendingStructs || proving.store.pendingDs)) {
      problem = "it builds on structs the server does not have";
    }
    if (problem) this.forgetProvingCopy();
    return problem;
  }

  /** Keeps the proving copy in step with what the live document applied, and notes the
   * suggestions the transaction wrote. */
  follow(update: Uint8Array, transaction: Y.Transaction): void {
    for (const [client, clock] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      if (clock <= before) continue;
      const structs = transaction.doc.store.clients.get(client) ?? [];
      for (let index = Y.findIndexSS(structs, before); index < structs.length; index += 1) this.noteItem(structs[index]!);
    }
    if (this.proving) Y.applyUpdate(this.proving, update);
  }

  forgetProvingCopy(): void {
    this.proving?.destroy();
    this.proving = null;
  }
}

/** One suggester transaction on the proving copy, read back (see SuggestionGate). */
class SuggesterCheck {
  private readonly texts = new Set<Y.XmlText>();

  constructor(
    private readonly transaction: Y.Transaction,
    private readonly userId: number,
  ) {}

  problem(): string | null {
    return this.newStructsProblem() ?? this.deletionsProblem() ?? this.textsProblem();
  }

  private isNew(item: Y.Item): boolean {
    return item.id.clock >= (this.transaction.beforeState.get(item.id.client) ?? 0);
  }

  private deletedNow(item: Y.Item): boolean {
    return Y.isDeleted(this.transaction.deleteSet, item.id);
  }

  private newStructsProblem(): string | null {
    const { transaction } = this;
    for (const [client, clock] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      if (clock <= before) continue;
      const structs = transaction.doc.store.clients.get(client) ?? [];
      for (let index = Y.findIndexSS(structs, before); index < structs.length; index += 1) {
        const item = structs[index]!;
        if (!(item instanceof Y.Item) || item.content instanceof Y.ContentDeleted) continue;
        if (item.parentSub !== null) return "it sets an attribute";
        const parent = item.parent;
        if (item.content instanceof Y.ContentType) {
          // The first words typed into an empty paragraph need a text run to live in.
          const isTextRun = item.content.type instanceof Y.XmlText;
          const inExistingElement = parent instanceof Y.XmlElement && parent._item !== null && !this.isNew(parent._item);
          if (!isTextRun || !inExistingElement) return "it adds an element";
          this.texts.add(item.content.type as Y.XmlText);
          continue;
        }
        if (!(parent instanceof Y.XmlText)) return "it adds content outside text";
        if (!(item.content instanceof Y.ContentString) && !(item.content instanceof Y.ContentFormat))
          return "it adds content other than text";
        this.texts.add(parent);
      }
    }
    return null;
  }

  private deletionsProblem(): string | null {
    let problem: string | null = null;
    Y.iterateDeletedStructs(this.transaction, this.transaction.deleteSet, (struct) => {
      if (problem || !(struct instanceof Y.Item) || this.isNew(struct)) return;
      const { content, parent } = struct;
      if (content instanceof Y.ContentType) {
        // A text run goes with the characters in it, each checked as a deletion.
        if (!(content.type instanceof Y.XmlText)) problem = "it deletes an element";
        return;
      }
      if (!(parent instanceof Y.XmlText)) {
        problem = "it deletes content outside text";
        return;
      }
      this.texts.add(parent);
    });
    return problem;
  }

  /** Walks each text run the transaction touched, with the formatting in effect before and after. */
  private textsProblem(): string | null {
    for (const text of this.texts) {
      const before: Formatting = new Map();
      const after: Formatting = new Map();
      for (let item = text._start; item !== null; item = item.right) {
        const isNew = this.isNew(item);
        const wasVisible = !isNew && (!item.deleted || this.deletedNow(item));
        const isVisible = !item.deleted;
        if (item.content instanceof Y.ContentFormat) {
          const { key, value } = item.content;
          if (wasVisible) setFormat(before, key, value);
          if (isVisible) setFormat(after, key, value);
          continue;
        }
        if (!item.countable) continue;
        if (isNew) {
          if (isVisible && !this.isOwnProposal(after)) return "it adds text that is not the sender's suggestion";
        } else if (wasVisible && !isVisible) {
          if (!this.isOwnInsertion(before)) return "it deletes text that is not the sender's proposed insertion";
        } else if (wasVisible && !this.differsOnlyByOwnDeletions(before, after)) {
          return "it changes the formatting of text";
        }
      }
    }
    return null;
  }

  /** New text: the sender's insertion mark, and no one else's suggestion marks. */
  private isOwnProposal(formatting: Formatting): boolean {
    let ownInsertion = false;
    for (const [key, value] of formatting) {
      const mark = suggestionMarkOf(key);
      if (!mark) continue;
      if (suggestionValue(value)?.authorId !== this.userId) return false;
      if (mark === SUGGESTION_INSERT) ownInsertion = true;
    }
    return ownInsertion;
  }

  private isOwnInsertion(formatting: Formatting): boolean {
    for (const [key, value] of formatting) {
      if (suggestionMarkOf(key) === SUGGESTION_INSERT && suggestionValue(value)?.authorId === this.userId) return true;
    }
    return false;
  }

  private differsOnlyByOwnDeletions(before: Formatting, after: Formatting): boolean {
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(key) ?? null;
      const now = after.get(key) ?? null;
      if (sameValue(old, now)) continue;
      if (suggestionMarkOf(key) !== SUGGESTION_DELETE) return false;
      for (const value of [old, now]) {
        if (value !== null && suggestionValue(value)?.authorId !== this.userId) return false;
      }
    }
    return true;
  }
}

const SUGGESTION_BYTES = new TextEncoder().encode("suggestion");

/** Whether the update's bytes hold the word "suggestion" (every suggestion mark's key does, as
 * UTF-8): most updates do not, and then are not decoded here. */
function mentionsSuggestion(update: Uint8Array): boolean {
  const first = SUGGESTION_BYTES[0]!;
  for (let at = update.indexOf(first); at !== -1 && at + SUGGESTION_BYTES.length <= update.length; at = update.indexOf(first, at + 1)) {
    let index = 1;
    while (index < SUGGESTION_BYTES.length && update[at + index] === SUGGESTION_BYTES[index]) index += 1;
    if (index === SUGGESTION_BYTES.length) return true;
  }
  return false;
}

/** Formatting in effect, as Yjs folds it: a null value ends a mark. */
function setFormat(formatting: Formatting, key: string, value: unknown): void {
  if (value === null || value === undefined) formatting.delete(key);
  else formatting.set(key, value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
