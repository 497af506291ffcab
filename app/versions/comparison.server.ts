// The redline between two versions of a plan, or a version and the current text, with who
// inserted and who deleted each run (docs/versions.md): what the compare API and the Word
// redline both answer with.
import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { createAttribution } from "./attribution.server";
import { comparePlans } from "./compare.server";
import { applyStoredUpdates, loadClientBindings, loadDeletions, loadPlanUpdates } from "../models/plan-document.server";
import type { Comparison, Person } from "./types";
import {
  currentSectionDetails,
  getVersion,
  listPlanAuthors,
  people,
  versionDoc,
  versionIdFrom,
  type SectionDetail,
} from "./version.server";
import { suggestionRecords } from "../models/suggestion-records.server";
import { cachedComparison, lastStoredUpdateId } from "./comparison-cache.server";

export type ComparisonResult =
  | { ok: true; comparison: Comparison }
  | { ok: false; reason: "needsTwo" | "versionNotFound" }
  /** Too many compares running (comparison-cache.server.ts): try again after this long. */
  | { ok: false; reason: "busy"; retryAfterSeconds: number };

type Side = { versionState: Uint8Array } | { currentUpdates: Uint8Array[] };

/**
 * Compares version `fromParam` with version `toParam`, or with the current text when
 * `toParam` is "current" or missing (the `?from=` and `?to=` of the address). "needsTwo":
 * an id is not a version id at all; "versionNotFound": this plan has no such version.
 */
export async function loadComparison(
  context: AppLoadContext,
  planId: string,
  fromParam: string | null,
  toParam: string | null,
): Promise<ComparisonResult> {
  const fromId = versionIdFrom(fromParam ?? undefined);
  const toId = (toParam ?? "current") === "current" ? "current" : versionIdFrom(toParam ?? undefined);
  if (fromId === null || toId === null) return { ok: false, reason: "needsTwo" };

  const from = await getVersion(planId, fromId);
  const to = toId === "current" ? undefined : await getVersion(planId, toId);
  if (!from || (toId !== "current" && !to)) return { ok: false, reason: "versionNotFound" };

  // The current text: the live document if the plan is open here, else what is stored.
  let current: { updates: Uint8Array[]; details: SectionDetail[] } | undefined;
  if (!to) {
    const [live, details] = await Promise.all([context.collab.documentState(planId), currentSectionDetails(planId)]);
    current = { updates: live ? [live] : await loadPlanUpdates(planId), details };
  }
  // The exact inputs: two versions (never changed once saved), or a version and the current
  // text and details by their content, and the attribution by the last stored update.
  const key = crypto
    .createHash("sha256")
    .update(JSON.stringify([planId, from.id, to?.id ?? "current", await lastStoredUpdateId(planId), current?.details ?? null]));
  for (const update of current?.updates ?? []) key.update(crypto.createHash("sha256").update(update).digest());

  const toSide: Side = to ? { versionState: to.state } : { currentUpdates: current!.updates };
  const computed = await cachedComparison(planId, key.digest("base64url"), () =>
    compare(planId, { doc: versionDoc(from.state), details: from.details }, toSide, to?.details ?? current!.details),
  );
  if (!computed.ok) return { ok: false, reason: "busy", retryAfterSeconds: computed.retryAfterSeconds };
  return {
    ok: true,
    comparison: {
      from: { id: from.id, name: from.name, createdAt: from.createdAt },
      to: to ? { id: to.id, name: to.name, createdAt: to.createdAt } : { id: "current", name: "", createdAt: Date.now() },
      ...computed.value,
    },
  };
}

/** The redline itself: the costly part, which is cached. */
async function compare(
  planId: string,
  fromSide: { doc: Y.Doc; details: SectionDetail[] },
  to: Side,
  toDetails: SectionDetail[],
): Promise<Omit<Comparison, "from" | "to">> {
  const toDoc = "versionState" in to ? versionDoc(to.versionState) : new Y.Doc();
  if ("currentUpdates" in to) applyStoredUpdates(toDoc, to.currentUpdates);
  // Attribution from the server's own records only: which account each client id and each
  // deletion belongs to (never names written by clients).
  try {
    // Suggesters wrote their marks, so they are among the plan's authors; who resolved a
    // suggestion comes from the suggestions' records.
    const [bindings, deletions, authors, records] = await Promise.all([
      loadClientBindings(planId),
      loadDeletions(planId),
      listPlanAuthors(planId),
      suggestionRecords(planId),
    ]);
    const resolverIds = [...records.values()].flatMap((record) => (record.resolvedBy === null ? [] : [record.resolvedBy]));
    const others = await people(resolverIds.filter((id) => !authors.has(id)));
    const everyone = new Map([...authors, ...others]);
    const person = (userId: number | null | undefined): Person | null => (userId == null ? null : (everyone.get(userId) ?? null));
    const attribution = createAttribution({
      clients: new Map([...bindings].map(([clientId, userId]) => [clientId, person(userId)])),
      deletions: deletions.map(({ userId, ...range }) => ({ ...range, person: person(userId) })),
      people: everyone,
      resolvers: new Map([...records].map(([id, record]) => [id, person(record.resolvedBy)])),
    });
    return comparePlans(fromSide, { doc: toDoc, details: toDetails }, attribution);
  } finally {
    fromSide.doc.destroy();
    toDoc.destroy();
  }
}
