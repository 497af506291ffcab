// What the servers are benchmarked on: plans laid out as the editor's schema lays them out,
// a long editing history, and each server's storage prepared the way it keeps documents.
import fs from "node:fs";
import path from "node:path";
import type { JSONContent } from "@tiptap/core";
import sqlite3 from "sqlite3";
import * as Y from "yjs";
import { closeDb, getDb, migrateToLatest, useDatabase } from "../db";
import { seedDemo } from "../db/seed";
import { planUpdateFromJSON, sectionOutline, PLAN_FRAGMENT } from "../app/editor/document.server";
import { compactPlan } from "../server/collab/storage/compaction";
import { appendUpdates } from "../server/collab/storage/sql-update-log";
import type { StoredUpdate } from "../server/collab/storage/update-log";
import { addComment, createThread } from "../app/models/comment.server";
import { addMember, createPlan } from "../app/models/plan.server";
import { syncSectionIndex } from "../app/models/section.server";
import { getUserByEmail } from "../app/models/user.server";
import { DEMO } from "../tests/helpers/server";

const WORDS =
  "cooperatives social enterprises solidarity economy gotong royong village funds capacity building financing access market regulation ministry partners indicators baseline targets women youth inclusion districts".split(
    " ",
  );

function words(count: number, offset: number): string {
  return Array.from({ length: count }, (_, i) => WORDS[(offset + i * 7) % WORDS.length]).join(" ");
}

/** A plan of `sections` sections, each a heading and `paragraphs` short paragraphs; with
 * `suggestionsBy`, every paragraph also holds an open suggestion of that account's (a few
 * words proposed for deletion, replaced by a few others). */
export function planContent(sections: number, paragraphs: number, options: { suggestionsBy?: number } = {}): JSONContent {
  return {
    type: "doc",
    content: Array.from({ length: sections }, (_, s) => ({
      type: "section",
      attrs: { id: `s-bench-${s}` },
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: `${s + 1}. ${words(4, s)}` }] },
        ...Array.from({ length: paragraphs }, (_, p) => ({
          type: "paragraph",
          content: [
            { type: "text", text: words(12, s * 31 + p) + "." },
            ...(options.suggestionsBy === undefined ? [] : openSuggestion(options.suggestionsBy, s * paragraphs + p)),
          ],
        })),
      ],
    })),
  };
}

function openSuggestion(authorId: number, index: number): JSONContent[] {
  const attrs = { id: `g-${index.toString(36).padStart(12, "0")}`, authorId };
  return [
    { type: "text", text: ` ${words(3, index)}`, marks: [{ type: "suggestionDelete", attrs }] },
    { type: "text", text: ` ${words(3, index + 5)}`, marks: [{ type: "suggestionInsert", attrs }] },
  ];
}

/** A demo account's id in a prepared Gotong database. */
export async function demoUserId(dir: string, email: string): Promise<number> {
  await closeDb();
  useDatabase(path.join(dir, "gotong.db"));
  try {
    return (await getUserByEmail(email))!.id;
  } finally {
    await closeDb();
  }
}

export interface History {
  /** Every update in the order it was made. */
  updates: Uint8Array[];
  /** Which author (0..authors-1) made each update. */
  authors: Uint16Array;
  /** The resulting state, encoded. */
  state: Uint8Array;
  textLength: number;
}

/**
 * A long editing session: `authors` people typing short runs of characters (and now and then
 * deleting one) all over a plan of `sections` sections, one update per keystroke run.
 */
export function buildHistory(options: { updates: number; authors: number; sections: number; paragraphs: number }): History {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(planContent(options.sections, options.paragraphs)));
  const updates: Uint8Array[] = [];
  const authors = new Uint16Array(options.updates + 1);
  let author = 0;
  doc.on("update", (update: Uint8Array) => {
    authors[updates.length] = author;
    updates.push(update);
  });
  // The skeleton itself, as one author's first update.
  const skeleton = Y.encodeStateAsUpdate(doc);
  updates.push(skeleton);
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  while (updates.length < options.updates) {
    author = random(options.authors);
    doc.clientID = 10_000 + author;
    const section = fragment.get(random(options.sections)) as Y.XmlElement;
    const paragraph = section.get(1 + random(options.paragraphs)) as Y.XmlElement;
    const text = paragraph.get(0) as Y.XmlText;
    if (random(20) === 0 && text.length > 1) text.delete(text.length - 1, 1);
    else text.insert(text.length, WORDS[random(WORDS.length)]!.slice(0, 2) + " ");
  }
  let textLength = 0;
  for (const section of fragment.toArray() as Y.XmlElement[]) {
    for (const block of section.toArray() as Y.XmlElement[]) textLength += (block.get(0) as Y.XmlText).length;
  }
  return { updates, authors: authors.slice(0, updates.length), state: Y.encodeStateAsUpdate(doc), textLength };
}

/**
 * The history plus one more update, by Yjs client `clientId`: `mark` is called with the text of
 * every `every`-th paragraph (of at least 12 characters) and its section's id, in one transaction.
 */
function withOneMoreUpdate(history: History, clientId: number, every: number, mark: (text: Y.XmlText, sectionId: string) => void): History {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, history.state);
  doc.clientID = clientId;
  const updates = [...history.updates];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  doc.transact(() => {
    let index = 0;
    for (const section of doc.getXmlFragment(PLAN_FRAGMENT).toArray() as Y.XmlElement[]) {
      for (const block of (section.toArray() as Y.XmlElement[]).slice(1)) {
        const text = block.get(0);
        if (!(text instanceof Y.XmlText) || text.length < 12 || index++ % every !== 0) continue;
        mark(text, String(section.getAttribute("id")));
      }
    }
  });
  const authors = new Uint16Array(updates.length);
  authors.set(history.authors);
  return { updates, authors, state: Y.encodeStateAsUpdate(doc), textLength: history.textLength };
}

/**
 * The history plus an open suggestion in every `every`-th paragraph (its first words proposed
 * for deletion, a few words proposed at its end), marked as the editor's binding marks them.
 * `authorId` is the account the marks name.
 */
export function withOpenSuggestions(history: History, authorId: number, every = 1): History & { openSuggestions: number } {
  let count = 0;
  const suggested = withOneMoreUpdate(history, 20_000, every, (text) => {
    const attrs = { id: `g-${count.toString(36).padStart(12, "0")}`, authorId };
    // An overlapping mark's key, as y-tiptap writes it: the name and a hash of its attributes.
    text.format(0, 8, { [`suggestionDelete--${count.toString(36).padStart(8, "0")}`]: attrs });
    text.insert(text.length, " proposed words", { suggestionInsert: attrs });
    count += 1;
  });
  return { ...suggested, openSuggestions: count };
}

export interface ThreadFixture {
  id: string;
  sectionId: string;
  quote: string;
}

/**
 * The history plus an open comment thread on the first words of every `every`-th paragraph (the
 * comment mark the editor writes); the threads' rows are made by prepareGotongDatabase, each with
 * a comment and a reply.
 */
export function withOpenThreads(history: History, every = 6): History & { threads: ThreadFixture[] } {
  const threads: ThreadFixture[] = [];
  const commented = withOneMoreUpdate(history, 30_000, every, (text, sectionId) => {
    const id = `t-bench-${threads.length}`;
    const quote = (text.toDelta() as { insert: string }[])
      .map((piece) => piece.insert)
      .join("")
      .slice(0, 10);
    // As y-tiptap writes a mark that may overlap: its name and a hash of its attributes.
    text.format(0, 10, { [`comment--${threads.length.toString(36).padStart(8, "0")}`]: { threadId: id } });
    threads.push({ id, sectionId, quote });
  });
  return { ...commented, threads };
}

export interface GotongPlanFixture {
  id: string;
  content?: JSONContent;
  /** Stored as Gotong's update log instead of `content`; compacted if asked. */
  history?: History;
  compact?: boolean;
  /** Open comment threads whose marks the history holds (withOpenThreads). */
  threads?: ThreadFixture[];
}

/** Gotong's database with the demo accounts and these plans, the editor a member of each. */
/** In `dir` as an SQLite file, or at `location` (a PostgreSQL URL). */
export async function prepareGotongDatabase(dir: string, plans: GotongPlanFixture[], location?: string): Promise<void> {
  await closeDb();
  useDatabase(location ?? path.join(dir, "gotong.db"));
  try {
    await migrateToLatest();
    await seedDemo();
    const owner = (await getUserByEmail(DEMO.owner))!;
    const editor = (await getUserByEmail(DEMO.editor))!;
    const commenter = (await getUserByEmail(DEMO.commenter))!;
    for (const plan of plans) {
      await createPlan({ id: plan.id, title: `Bench ${plan.id}`, description: "", ownerId: owner.id, content: plan.content });
      await addMember(plan.id, editor.id, "editor");
      // Suggesting typers (fan-out while partners suggest) sign in as the demo partner.
      await addMember(plan.id, commenter.id, "commenter");
      for (const thread of plan.threads ?? []) {
        await createThread({
          ...thread,
          planId: plan.id,
          anchor: "text",
          roundId: null,
          userId: commenter.id,
          body: "Could this name the provinces where the pilots run?",
          mentions: [],
        });
        await addComment(thread.id, owner.id, "Yes: the next draft will list them.", []);
      }
      if (!plan.history) continue;
      await getDb().deleteFrom("plan_updates").where("plan_id", "=", plan.id).execute();
      const { updates, authors } = plan.history;
      const userIds = [owner.id, editor.id];
      for (let start = 0; start < updates.length; start += 5000) {
        const batch: StoredUpdate[] = updates.slice(start, start + 5000).map((update, i) => ({
          planId: plan.id,
          userId: userIds[authors[start + i]! % 2]!,
          update,
          createdAt: Date.now(),
          newClientIds: [],
        }));
        await appendUpdates(batch);
      }
      const doc = new Y.Doc();
      Y.applyUpdate(doc, plan.history.state);
      await syncSectionIndex(plan.id, sectionOutline(doc));
      if (plan.compact) await compactPlan(plan.id);
    }
  } finally {
    await closeDb();
  }
}

/** Hocuspocus's SQLite extension's table, holding these documents as it stores them. */
export async function prepareHocuspocusDatabase(dir: string, documents: Record<string, Uint8Array>): Promise<void> {
  const { schema, upsertQuery } = (await import("@hocuspocus/extension-sqlite")) as unknown as {
    schema: string;
    upsertQuery: string;
  };
  const file = path.join(dir, "hocuspocus.sqlite");
  fs.rmSync(file, { force: true });
  const db = new sqlite3.Database(file);
  const run = (query: string, params: Record<string, unknown> = {}) =>
    new Promise<void>((resolve, reject) => db.run(query, params, (error) => (error ? reject(error) : resolve())));
  await run(schema);
  for (const [name, data] of Object.entries(documents)) await run(upsertQuery, { $name: name, $data: Buffer.from(data) });
  await new Promise<void>((resolve) => db.close(() => resolve()));
}
