// Opening a compacted plan without building its document (migration 0012): a newcomer's sync
// step 1 and the threads panel's anchors come from the summary stored beside the state, and
// are what the document itself says.
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db";
import { commentAnchorsIn, decodeCommentAnchors, encodeCommentAnchors, prepareCommentMark } from "../../app/editor/comment-anchors";
import { PLAN_FRAGMENT, planRoot, planSchema, planUpdateFromJSON } from "../../app/editor/document.server";
import { SUGGESTION_INSERT, suggestionsInDocument } from "../../app/editor/suggestion-marks";
import { applyStoredUpdates, loadPlanLog, loadPlanUpdates } from "../../app/models/plan-document.server";
import { encodeSyncStep1For } from "../../server/collab/messages";
import { LivePlan } from "../../server/collab/live-plan";
import { compactPlan, summarizeCompactedState } from "../../server/collab/storage/compaction";
import { appendUpdates, sqlUpdateLog } from "../../server/collab/storage/sql-update-log";
import { UpdateStore } from "../../server/collab/update-store";
import { createTestPlan, useTemporaryDatabase } from "../helpers/database";
import { anchorFor } from "../helpers/pm-edit";
import { twoSectionPlan as content } from "../helpers/plan-content";

/** A plan whose log holds the content above and two comment marks, compacted; its document. */
async function compactedPlanWithThreads(): Promise<{ planId: string; doc: Y.Doc }> {
  const { planId, owner } = await createTestPlan();
  const doc = new Y.Doc();
  applyStoredUpdates(doc, await loadPlanUpdates(planId));
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  doc.getXmlFragment(PLAN_FRAGMENT).delete(0, doc.getXmlFragment(PLAN_FRAGMENT).length);
  Y.applyUpdate(doc, planUpdateFromJSON(content));
  for (const [text, threadId] of [
    ["patient capital", "t-1"],
    ["reserve a share", "t-2"],
  ] as const) {
    const prepared = prepareCommentMark(doc, planSchema(), anchorFor(doc, text), threadId);
    if (!prepared.ok) throw new Error(prepared.reason);
    Y.applyUpdate(doc, prepared.update);
  }
  await appendUpdates(updates.map((update, i) => ({ planId, userId: owner.id, update, createdAt: Date.now() + i, newClientIds: [] })));
  await compactPlan(planId);
  return { planId, doc };
}

const openPlan = (planId: string) => LivePlan.load({ planId, store: new UpdateStore(sqlUpdateLog), log: sqlUpdateLog });

describe("stored anchors", () => {
  it("read back as written; anything else is not taken for anchors", () => {
    const anchors = new Map([
      ["t-1", { sectionId: "s-one", text: "patient capital" }],
      ["t-2", { sectionId: "s-two", text: 'a "quoted" passage' }],
    ]);
    expect(decodeCommentAnchors(encodeCommentAnchors(anchors))).toEqual(anchors);
    for (const json of ["", "{}", "[[1,2,3]]", '[["t-1","s-one"]]', '[["t-1","s-one",null]]'])
      expect(decodeCommentAnchors(json)).toBeNull();
  });
});

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let database: Awaited<ReturnType<typeof useTemporaryDatabase>>;
  beforeAll(async () => {
    database = await useTemporaryDatabase(kind);
  });
  afterAll(() => database.cleanup());

  it("a compacted plan answers a newcomer's sync and its anchors without building its document", async () => {
    const { planId, doc } = await compactedPlanWithThreads();
    expect(commentAnchorsIn(doc).size).toBe(2);
    // The web app's readers build the document and are not handed the summary.
    expect((await loadPlanLog(planId)).summary).toBeUndefined();
    expect((await loadPlanLog(planId, { withSummary: true })).summary).toBeDefined();
    const plan = await openPlan(planId);
    expect(plan.lacksSummary).toBe(false);
    expect(plan.syncStep1()).toEqual(encodeSyncStep1For(Y.encodeStateVector(doc)));
    expect(plan.commentAnchors()).toEqual(commentAnchorsIn(doc));
    expect(plan.isInMemory).toBe(false);
    // Built, the document says the same.
    plan.document();
    expect(plan.syncStep1()).toEqual(encodeSyncStep1For(Y.encodeStateVector(doc)));
    expect(commentAnchorsIn(plan.document())).toEqual(commentAnchorsIn(doc));
    plan.destroy();
  });

  it("anchors from the summary give way to the document once an update changes the plan", async () => {
    const { planId, doc } = await compactedPlanWithThreads();
    const plan = await openPlan(planId);
    expect(plan.commentAnchors().has("t-1")).toBe(true);
    // Someone deletes the marked words: an update like any client's, applied to the live plan.
    let update!: Uint8Array;
    doc.once("update", (u: Uint8Array) => (update = u));
    const paragraph = ((doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    const text = (paragraph.toDelta() as { insert: string }[]).map((op) => op.insert).join("");
    const at = text.indexOf("patient capital");
    paragraph.delete(at, "patient capital".length);
    expect(plan.applyEditOnBehalf(update, 1)).toBe("applied");
    expect(plan.commentAnchors().has("t-1")).toBe(false);
    expect(plan.commentAnchors()).toEqual(commentAnchorsIn(doc));
    plan.destroy();
  });

  it("with rows stored after the state, the plan is read from the document as before", async () => {
    const { planId, doc } = await compactedPlanWithThreads();
    const before = Y.encodeStateVector(doc);
    let stored: Promise<number[]> | undefined;
    doc.on(
      "update",
      (update: Uint8Array) => (stored = appendUpdates([{ planId, userId: null, update, createdAt: Date.now(), newClientIds: [] }])),
    );
    const text = ((doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, "Now: ");
    await stored;
    expect((await loadPlanLog(planId, { withSummary: true })).summary).toBeUndefined();
    const plan = await openPlan(planId);
    expect(plan.lacksSummary).toBe(true);
    const step1 = plan.syncStep1();
    expect(step1).toEqual(encodeSyncStep1For(Y.encodeStateVector(doc)));
    expect(step1).not.toEqual(encodeSyncStep1For(before));
    plan.destroy();
  });

  it("the suggestions panel's list comes from the summary until the plan changes, and is the document's", async () => {
    const { planId, owner } = await createTestPlan();
    const suggested = structuredClone(content);
    const paragraph = suggested.content[1]!.content[1]! as { content: object[] };
    paragraph.content.push({
      type: "text",
      text: " soon",
      marks: [{ type: SUGGESTION_INSERT, attrs: { id: "g-abcdefabcdef", authorId: owner.id } }],
    });
    const doc = new Y.Doc();
    applyStoredUpdates(doc, await loadPlanUpdates(planId));
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    doc.getXmlFragment(PLAN_FRAGMENT).delete(0, doc.getXmlFragment(PLAN_FRAGMENT).length);
    Y.applyUpdate(doc, planUpdateFromJSON(suggested));
    await appendUpdates(updates.map((update, i) => ({ planId, userId: owner.id, update, createdAt: Date.now() + i, newClientIds: [] })));
    await compactPlan(planId);
    const expected = suggestionsInDocument(planRoot(doc));
    expect(expected.map((suggestion) => suggestion.inserted)).toEqual([" soon"]);
    const plan = await openPlan(planId);
    expect(plan.suggestionsInDocument()).toEqual(expected);
    expect(plan.isInMemory).toBe(false);
    // A change drops it: the list is read off the document, which says the same.
    const edit = new Y.Doc();
    Y.applyUpdate(edit, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(edit);
    (edit.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).insert(0, [new Y.XmlElement("paragraph")]);
    expect(plan.applyEditOnBehalf(Y.encodeStateAsUpdate(edit, before), owner.id)).toBe("applied");
    expect(plan.isInMemory).toBe(true);
    expect(plan.suggestionsInDocument()).toEqual(suggestionsInDocument(planRoot(edit)));
    plan.destroy();
  });

  it("a state compacted before summaries were stored gets one, read from the state", async () => {
    const { planId, doc } = await compactedPlanWithThreads();
    await getDb().updateTable("plan_documents").set({ state_vector: null, comment_anchors: null }).where("plan_id", "=", planId).execute();
    const plan = await openPlan(planId);
    expect(plan.lacksSummary).toBe(true);
    expect(plan.commentAnchors()).toEqual(commentAnchorsIn(doc));
    expect(plan.isInMemory).toBe(true);
    plan.destroy();

    await summarizeCompactedState(planId);
    const { summary } = await loadPlanLog(planId, { withSummary: true });
    expect(summary?.stateVector).toEqual(Y.encodeStateVector(doc));
    expect(summary?.commentAnchors).toEqual(commentAnchorsIn(doc));
  });
});
