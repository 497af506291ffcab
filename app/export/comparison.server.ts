// The redline between two versions of a plan, or a version and the current text, with who
// inserted and who deleted each run (docs/versions.md): what the compare API and the Word
// redline both answer with.
import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { comparePlans, createAttribution, type Comparison, type Person } from "../editor/compare.server";
import { loadClientBindings, loadDeletions, loadPlanDoc } from "../models/plan-document.server";
import { currentSectionDetails, getVersion, listPlanAuthors, versionDoc, type SectionDetail } from "../models/version.server";
import { versionIdFrom } from "../utils/version-api.server";

export type ComparisonResult = { ok: true; comparison: Comparison } | { ok: false; reason: "needsTwo" | "versionNotFound" };

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

  const fromSide = { doc: versionDoc(from.state), details: from.details };
  let toSide: { doc: Y.Doc; details: SectionDetail[] };
  if (to) {
    toSide = { doc: versionDoc(to.state), details: to.details };
  } else {
    const [doc, details] = await Promise.all([
      context.collab.documentState(planId).then((state) => loadPlanDoc(planId, state)),
      currentSectionDetails(planId),
    ]);
    toSide = { doc, details };
  }

  // Attribution from the server's own records only: which account each client id and each
  // deletion belongs to (never names written by clients).
  try {
    const [bindings, deletions, people] = await Promise.all([loadClientBindings(planId), loadDeletions(planId), listPlanAuthors(planId)]);
    const person = (userId: number | undefined): Person | null => (userId === undefined ? null : (people.get(userId) ?? null));
    const attribution = createAttribution({
      clients: new Map([...bindings].map(([clientId, userId]) => [clientId, person(userId)])),
      deletions: deletions.map(({ userId, ...range }) => ({ ...range, person: person(userId) })),
    });
    const comparison = comparePlans(fromSide, toSide, attribution);
    return {
      ok: true,
      comparison: {
        from: { id: from.id, name: from.name, createdAt: from.createdAt },
        to: to ? { id: to.id, name: to.name, createdAt: to.createdAt } : { id: "current", name: "", createdAt: Date.now() },
        ...comparison,
      },
    };
  } finally {
    fromSide.doc.destroy();
    toSide.doc.destroy();
  }
}
