// POST /plans/:planId/import-review: a reviewed copy of the plan's Word file comes back as
// suggestions and comment threads (app/import/review-import.server.ts). `Accept:
// application/json` answers with what was made and what could not be placed; otherwise a page,
// whose GET is the upload form (it works without JavaScript).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MAX_UNPACKED_BYTES } from "../import/docx-import.server";
import { importReview, type ReviewImportResult } from "../import/review-import.server";
import { DocxImportError, MAX_UPLOAD_BYTES, receiveUpload } from "../import/upload.server";
import { requirePlanPermission } from "../models/permissions.server";
import { can } from "../models/roles";
import { jsonError, requireApiPlan } from "../utils/api.server";
import { errorFields, log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

/** `Accept: application/json` gets the action's data as JSON (app/entry.server.tsx). */
export const handle = { answersJson: true };

const MEGABYTE = 1024 * 1024;

const wantsJson = (request: Request) => (request.headers.get("Accept") ?? "").includes("application/json");

/** Who may import: whoever may both suggest and comment, as the import does both. */
async function requireImporter(request: Request, planId: string | undefined) {
  if (wantsJson(request)) {
    const { user, plan, t } = await requireApiPlan(request, planId, "plan.comment");
    if (!can(plan.role, "plan.suggest")) throw jsonError(403, t("api.forbidden"));
    return { user, plan };
  }
  const { user, plan } = await requirePlanPermission(request, planId ?? "", "plan.comment");
  if (!can(plan.role, "plan.suggest")) throw new Response("Forbidden", { status: 403 });
  return { user, plan };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { plan } = await requireImporter(request, params.planId);
  return { plan: { id: plan.id, title: plan.title }, uploadLimitMegabytes: MAX_UPLOAD_BYTES / MEGABYTE };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, plan } = await requireImporter(request, params.planId);
  let result: ReviewImportResult;
  try {
    const upload = await receiveUpload(request);
    result = await importReview(context, plan.id, { id: user.id, role: plan.role }, upload.bytes);
  } catch (error) {
    if (!(error instanceof DocxImportError)) throw error;
    log.warn("review import refused", {
      plan: plan.id,
      user: user.id,
      reason: error.reason,
      ...(error.cause ? errorFields(error.cause) : {}),
    });
    const limitMegabytes = (error.reason === "tooLarge" ? MAX_UPLOAD_BYTES : MAX_UNPACKED_BYTES) / MEGABYTE;
    const status = error.reason === "tooLarge" ? 413 : error.reason === "busy" ? 429 : 422;
    return data({ error: error.reason, limitMegabytes }, { status });
  }
  log.info("review imported", {
    plan: plan.id,
    user: user.id,
    suggestions: result.suggestions.length,
    threads: result.threads.length,
    unplaced: result.unplaced.length,
  });
  return data(result);
}

export default function ImportReview() {
  const { t } = useTranslation();
  const { plan, uploadLimitMegabytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isImporting = useNavigation().state === "submitting";
  const refusal = actionData && "error" in actionData ? actionData : null;
  const result = actionData && "suggestions" in actionData ? actionData : null;
  return (
    <div className="plans-page">
      <nav className="breadcrumb">
        <Link to={`/plans/${plan.id}`}>← {t("planExport.backToPlan")}</Link>
      </nav>
      <section className="new-plan import-plan" aria-labelledby="import-review-heading">
        <h1 id="import-review-heading">{t("reviewImport.title")}</h1>
        <p className="muted">{plan.title}</p>
        {result ? (
          <ReviewResult result={result} />
        ) : (
          <>
            <p>{t("reviewImport.intro")}</p>
            <p className="muted">{t("reviewImport.attribution")}</p>
            <p className="muted">{t("reviewImport.rounds")}</p>
          </>
        )}
        <Form method="post" encType="multipart/form-data" className="stack">
          <label>
            {result ? t("reviewImport.anotherFile") : t("import.file")}
            <input
              type="file"
              name="file"
              required
              accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              aria-invalid={refusal ? true : undefined}
            />
          </label>
          <p className="muted import-limit">{t("import.limit", { max: uploadLimitMegabytes })}</p>
          {refusal ? (
            <p className="form-error" role="alert">
              {t(`import.errors.${refusal.error}`, { max: refusal.limitMegabytes })}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={isImporting}>
            {isImporting ? t("reviewImport.submitting") : t("reviewImport.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}

function ReviewResult({ result }: { result: ReviewImportResult }) {
  const { t } = useTranslation();
  const { alreadyThere } = result;
  return (
    <div role="status" data-testid="review-import-result">
      <h2>{t("reviewImport.resultTitle")}</h2>
      <ul>
        <li>{t("reviewImport.suggestions", { count: result.suggestions.length })}</li>
        <li>{t("reviewImport.threads", { count: result.threads.length })}</li>
      </ul>
      {alreadyThere.suggestions + alreadyThere.threads > 0 ? (
        <p className="muted">{t("reviewImport.alreadyThere", { suggestions: alreadyThere.suggestions, threads: alreadyThere.threads })}</p>
      ) : null}
      <h2>{t("reviewImport.unplacedTitle")}</h2>
      {result.unplaced.length === 0 ? (
        <p>{t("reviewImport.unplacedNone")}</p>
      ) : (
        <>
          <p className="muted">{t("reviewImport.unplacedHelp")}</p>
          <table className="members-table">
            <thead>
              <tr>
                <th scope="col">{t("reviewImport.kind")}</th>
                <th scope="col">{t("reviewImport.author")}</th>
                <th scope="col">{t("reviewImport.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {result.unplaced.map((entry, index) => (
                <tr key={index}>
                  <td>
                    <strong>{entry.kind === "suggestion" ? t("reviewImport.kindSuggestion") : t("reviewImport.kindComment")}:</strong>{" "}
                    {entry.text}
                  </td>
                  <td>{entry.author}</td>
                  <td>{t(`reviewImport.reasons.${entry.reason}`, { detail: entry.detail ?? "" })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
