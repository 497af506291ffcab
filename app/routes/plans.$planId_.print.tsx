// The plan, or a saved version of it (?version=), laid out for A4 paper: no app chrome, headings
// kept with what follows, matrices repeating their header row. The browser's print dialog makes the PDF.
import type { JSONContent } from "@tiptap/core";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PrintDocument } from "../components/PrintDocument";
import { requirePlanSource } from "../export/plan-source.server";
import { formatDeadline } from "../utils/deadline";
import printStylesHref from "../styles/print.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: printStylesHref }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} · Gotong` : "Gotong" }];

/** Read by the root layout: this page has no site header. */
export const handle = { isBare: true };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { plan, source } = await requirePlanSource({ request, params, context });
  return {
    planId: plan.id,
    title: source.title,
    isVersion: source.isVersion,
    versionName: source.versionName,
    date: source.date,
    doc: source.doc.toJSON() as JSONContent,
    details: source.details.map(({ id, status, lead }) => ({ id, status, lead })),
  };
}

export default function PrintPage() {
  const { t, i18n } = useTranslation();
  const { planId, title, isVersion, versionName, date, doc, details } = useLoaderData<typeof loader>();
  const when = formatDeadline(date, i18n.language);
  const dateLine = !isVersion
    ? t("planExport.currentText", { date: when })
    : versionName
      ? t("planExport.version", { name: versionName, date: when })
      : t("planExport.checkpoint", { date: when });
  return (
    <article className="print-page">
      <div className="print-toolbar">
        <Link to={`/plans/${planId}`}>← {t("planExport.backToPlan")}</Link>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t("planExport.print")}
        </button>
        <span className="muted">{t("planExport.printHelp")}</span>
      </div>
      <header className="print-title">
        <h1>{title}</h1>
        <p className="print-date">{dateLine}</p>
      </header>
      <PrintDocument doc={doc as JSONContent} details={details} />
    </article>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
