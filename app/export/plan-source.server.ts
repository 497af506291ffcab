// What every export reads: the plan (as it is now, or a saved version) as a ProseMirror
// document in the editor's own schema, with its section details.
import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { Node as PMNode } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { planRoot } from "../editor/document.server";
import { acceptedDocument } from "../editor/suggestion-marks";
import { loadPlanDoc } from "../models/plan-document.server";
import { currentSectionDetails, getVersion, type SectionDetail, versionDoc, versionIdFrom } from "../versions/version.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";

export interface PlanSource {
  planId: string;
  title: string;
  /** Whether this is a saved version (not the current text). */
  isVersion: boolean;
  /** The version's name, or null for the current text (or an unnamed checkpoint). */
  versionName: string | null;
  /** When the version was saved, or now. */
  date: number;
  /** The accepted text: what Markdown and print show (open suggestions left out). */
  doc: PMNode;
  /** The same with its open suggestions, for the Word file, which writes them as tracked changes. */
  docWithSuggestions: PMNode;
  details: SectionDetail[];
}

/**
 * The plan's current text, or version `versionParam` (from `?version=`) of it. Returns null
 * when the version parameter names no version of this plan (the caller answers 404).
 */
export async function loadPlanSource(
  context: AppLoadContext,
  plan: { id: string; title: string },
  versionParam: string | null,
): Promise<PlanSource | null> {
  if (versionParam !== null && versionParam !== "" && versionParam !== "current") {
    const versionId = versionIdFrom(versionParam);
    const version = versionId === null ? undefined : await getVersion(plan.id, versionId);
    if (!version) return null;
    const doc = versionDoc(version.state);
    return {
      planId: plan.id,
      title: plan.title,
      isVersion: true,
      versionName: version.name || null,
      date: version.createdAt,
      ...readDocument(doc),
      details: version.details,
    };
  }
  const [doc, details] = await Promise.all([
    context.collab.documentState(plan.id).then((state) => loadPlanDoc(plan.id, state)),
    currentSectionDetails(plan.id),
  ]);
  return { planId: plan.id, title: plan.title, isVersion: false, versionName: null, date: Date.now(), ...readDocument(doc), details };
}

/** Both readings of a throwaway document, which is then let go. */
function readDocument(doc: Y.Doc): Pick<PlanSource, "doc" | "docWithSuggestions"> {
  try {
    const root = planRoot(doc);
    return { doc: acceptedDocument(root), docWithSuggestions: root };
  } finally {
    doc.destroy();
  }
}

/** What every export route starts with: the caller may view the plan, and the plan (or its
 * `?version=`) exists; else 404. */
export async function requirePlanSource({ request, params, context }: Pick<LoaderFunctionArgs, "request" | "params" | "context">) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  const source = await loadPlanSource(context, plan, new URL(request.url).searchParams.get("version"));
  if (!source) throw new Response("Not found", { status: 404 });
  return { user, plan, source };
}

/** A file name from the plan's title: letters, digits, spaces and dashes (an em dash too), with
 * the spaces left where anything else was dropped collapsed to one. */
export function exportFileName(title: string, suffix: string, extension: string): string {
  const clean = (text: string, length: number) =>
    text
      .replace(/[^\p{L}\p{N}\p{Pd} _]+/gu, "")
      .replace(/\s+/gu, " ")
      .trim()
      .slice(0, length)
      .trim();
  const base = clean(title, 80) || "plan";
  const tail = clean(suffix, 60);
  return `${base}${tail ? ` - ${tail}` : ""}.${extension}`;
}

export function attachmentHeaders(contentType: string, fileName: string, asciiFallback: string): HeadersInit {
  return {
    "Content-Type": contentType,
    "Content-Disposition": `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
