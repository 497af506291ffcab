// The plan, or a saved version of it (?version=), as a Markdown file.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { planMarkdown } from "../export/markdown.server";
import { attachmentHeaders, exportFileName, loadPlanSource } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  if (!isPlanId(planId)) throw new Response("Not found", { status: 404 });
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  const versionParam = new URL(request.url).searchParams.get("version");
  const source = await loadPlanSource(context, plan, versionParam);
  if (!source) throw new Response("Not found", { status: 404 });
  const [t, language] = await Promise.all([i18next.getFixedT(request), i18next.getLocale(request)]);
  const isVersion = versionParam !== null && versionParam !== "" && versionParam !== "current";
  const markdown = planMarkdown(source, { t, language, isVersion });
  const fileName = exportFileName(source.title, source.versionName ?? "", "md");
  return new Response(markdown, { headers: attachmentHeaders("text/markdown; charset=utf-8", fileName, "plan.md") });
}
