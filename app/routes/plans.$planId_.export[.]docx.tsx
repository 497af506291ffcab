// GET ?version=<versionId>: the plan as it is now, or a saved version of it, as a Word
// document, with its open comment threads as Word comments and its open suggestions as tracked
// changes (app/export/docx.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { DOCX_CONTENT_TYPE, planDocx } from "../export/docx.server";
import { attachmentHeaders, exportFileName, requirePlanSource } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";
import { suggestionCredits } from "../export/suggestion-credits.server";
import { listThreads } from "../models/comment.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, plan, source } = await requirePlanSource({ request, params, context });
  const isVersion = source.isVersion;

  // Where each thread's passage is comes from the exported document's own comment marks, so
  // no live anchors are needed; a version gets the threads that had been opened by then.
  const [t, locale, threads, suggestions] = await Promise.all([
    i18next.getFixedT(request),
    i18next.getLocale(request),
    listThreads(plan.id, { id: user.id, role: plan.role }, new Map(), new Set()),
    suggestionCredits(plan.id, source.docWithSuggestions, source.date),
  ]);
  const openThreads = threads.filter((thread) => thread.status === "open" && (!isVersion || thread.createdAt <= source.date));
  const versionLabel = source.versionName ?? (isVersion ? t("versions.checkpoint") : t("versions.current"));
  const file = await planDocx(source, { t, locale, versionLabel, threads: openThreads, suggestions });
  return new Response(file, {
    headers: attachmentHeaders(DOCX_CONTENT_TYPE, exportFileName(plan.title, isVersion ? versionLabel : "", "docx"), "plan.docx"),
  });
}
