// POST /plans/import: a new plan from an uploaded Word file, owned by the importer. The
// dashboard posts here with a fetcher; this page is the form's home without JavaScript.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ImportPlanFields } from "../components/ImportPlanFields";
import { importDocx, MAX_UNPACKED_BYTES, type ImportedPlan } from "../import/docx-import.server";
import { DocxImportError, MAX_UPLOAD_BYTES, receiveUpload, type Upload } from "../import/upload.server";
import { i18next } from "../i18n/i18next.server";
import { createPlan } from "../models/plan.server";
import { requireUser } from "../models/session.server";
import { oneLine, PLAN_TITLE_MAX_LENGTH } from "../utils/limits";
import { errorFields, log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

const MEGABYTE = 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { uploadLimitMegabytes: MAX_UPLOAD_BYTES / MEGABYTE };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let upload: Upload;
  let imported: ImportedPlan;
  try {
    upload = await receiveUpload(request);
    const t = await i18next.getFixedT(request);
    imported = await importDocx(upload.bytes, upload.fileName, {
      introduction: t("import.introduction"),
      untitledPlan: t("import.untitledPlan"),
    });
  } catch (error) {
    if (!(error instanceof DocxImportError)) throw error;
    log.warn("import refused", { user: user.id, reason: error.reason, ...(error.cause ? errorFields(error.cause) : {}) });
    const limitMegabytes = (error.reason === "tooLarge" ? MAX_UPLOAD_BYTES : MAX_UNPACKED_BYTES) / MEGABYTE;
    const status = error.reason === "tooLarge" ? 413 : error.reason === "busy" ? 429 : 422;
    return data({ error: error.reason, limitMegabytes }, { status });
  }
  const t = await i18next.getFixedT(request);
  const origin = t("import.description", { file: upload.fileName.slice(0, 200) });
  const note = imported.imagesDropped > 0 ? ` ${t("import.imagesDropped", { count: imported.imagesDropped })}` : "";
  // The importer's own title wins; else the file's. A plan exported from Gotong and brought
  // back is a second plan of the same name: say so.
  const chosenTitle = oneLine(upload.title ?? "").slice(0, PLAN_TITLE_MAX_LENGTH);
  const planId = await createPlan({
    title: chosenTitle || (imported.isGotongExport ? t("import.importedTitle", { title: imported.title }) : imported.title),
    // The title page's subtitle, then where the plan came from. Gotong's own subtitle is the
    // export's version stamp, which describes nothing.
    description: [imported.isGotongExport ? null : imported.subtitle, origin + note].filter(Boolean).join(" — "),
    ownerId: user.id,
    content: imported.content,
  });
  log.info("plan imported", { plan: planId, user: user.id, bytes: upload.bytes.length, imagesDropped: imported.imagesDropped });
  // The plan page may show the note; the description already says it.
  return redirect(`/plans/${planId}?imported=${imported.imagesDropped}`);
}

export default function ImportPlan() {
  const { t } = useTranslation();
  const { uploadLimitMegabytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isImporting = useNavigation().formAction === "/plans/import";
  return (
    <div className="plans-page">
      <nav className="breadcrumb">
        <Link to="/plans">← {t("plan.backToPlans")}</Link>
      </nav>
      <section className="new-plan import-plan" aria-labelledby="import-heading">
        <h1 id="import-heading">{t("import.title")}</h1>
        <p className="muted">{t("import.intro")}</p>
        <Form method="post" encType="multipart/form-data" className="stack">
          <ImportPlanFields limitMegabytes={uploadLimitMegabytes} refusal={actionData} isImporting={isImporting} />
        </Form>
      </section>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
