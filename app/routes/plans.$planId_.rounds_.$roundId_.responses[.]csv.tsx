// A consultation round's comment response matrix as CSV: one row per thread, English headers
// and disposition labels (like the actions CSV), for the report that goes back to partners.
import type { LoaderFunctionArgs } from "@remix-run/node";
import en from "../i18n/locales/en";
import { getRound, responseMatrix } from "../models/consultation.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { toCsv } from "../utils/csv";

const HEADERS = ["Section", "Quoted passage", "Organisation", "Author", "Email", "Comment", "Replies", "Status", "Disposition", "Response"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  const roundId = Number(params.roundId);
  if (!isPlanId(planId) || !Number.isSafeInteger(roundId) || String(roundId) !== params.roundId) {
    throw new Response("Not found", { status: 404 });
  }
  await requirePlanPermission(request, planId, "plan.view");
  const round = await getRound(planId, roundId);
  if (!round) throw new Response("Not found", { status: 404 });
  const rows = await responseMatrix(planId, round.id);
  const csv = toCsv([
    HEADERS,
    ...rows.map((row) => [
      row.sectionTitle,
      row.quote,
      row.organisation,
      row.author,
      row.authorEmail,
      row.comment,
      String(row.replies),
      row.status === "resolved" ? "Resolved" : "Open",
      row.disposition ? en.rounds.dispositions[row.disposition] : "",
      row.response ?? "",
    ]),
  ]);
  const filename = `${round.name.replace(/[^\p{L}\p{N} _-]+/gu, "").trim().slice(0, 80) || "round"} - responses.csv`;
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="responses.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      "Cache-Control": "no-store",
    },
  });
}
