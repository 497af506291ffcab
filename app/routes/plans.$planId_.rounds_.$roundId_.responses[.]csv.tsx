// A consultation round's comment response matrix as CSV: one row per thread and suggestion, for the report
// that goes back to partners; headers and labels in the account's language.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentHeaders, exportFileName } from "../export/plan-source.server";
import { i18next } from "../i18n/i18next.server";
import { getRound, responseMatrix } from "../models/consultation.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";
import { toCsv } from "../utils/csv";
import { suggestionProposal } from "../utils/suggestion-text";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  const roundId = Number(params.roundId);
  if (!isPlanId(planId) || !Number.isSafeInteger(roundId) || String(roundId) !== params.roundId) {
    throw new Response("Not found", { status: 404 });
  }
  const [{ plan }, t] = await Promise.all([requirePlanPermission(request, planId, "plan.view"), i18next.getFixedT(request)]);
  const round = await getRound(planId, roundId);
  if (!round) throw new Response("Not found", { status: 404 });
  const rows = await responseMatrix(planId, round.id);
  // Authors' email addresses are for the plan's owners, like everywhere else.
  const withEmail = can(plan.role, "plan.seeEmails");
  const headers = [
    "section",
    "quote",
    "organisation",
    "author",
    ...(withEmail ? (["email"] as const) : []),
    "comment",
    "replies",
    "status",
    "disposition",
    "response",
  ] as const;
  const csv = toCsv([
    headers.map((header) => t(`rounds.${header}`)),
    ...rows.map((row) => [
      row.sectionTitle,
      row.quote,
      row.organisation,
      row.author,
      ...(withEmail ? [row.authorEmail] : []),
      row.suggestion ? suggestionProposal(t, row.suggestion) : row.comment,
      String(row.replies),
      row.status === "resolved" ? t("comments.statusResolved") : t("comments.statusOpen"),
      row.disposition ? t(`rounds.dispositions.${row.disposition}`) : "",
      row.response ?? "",
    ]),
  ]);
  return new Response(csv, {
    headers: attachmentHeaders("text/csv; charset=utf-8", exportFileName(round.name, t("exports.responsesFile"), "csv"), "responses.csv"),
  });
}
