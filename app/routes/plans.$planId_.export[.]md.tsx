// The plan, or a saved version of it (?version=), as a Markdown file.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { planMarkdown } from "../export/markdown.server";
import { attachmentHeaders, exportFileName, requirePlanSource } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { source } = await requirePlanSource({ request, params, context });
  const [t, language] = await Promise.all([i18next.getFixedT(request), i18next.getLocale(request)]);
  const isVersion = source.isVersion;
  const markdown = planMarkdown(source, { t, language, isVersion });
  const fileName = exportFileName(source.title, source.versionName ?? "", "md");
  return new Response(markdown, { headers: attachmentHeaders("text/markdown; charset=utf-8", fileName, "plan.md") });
}
