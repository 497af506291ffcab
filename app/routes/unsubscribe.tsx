// An unsubscribe link from a notification mail (docs/workflow.md, "Email"): GET asks "Stop these
// emails?", POST (the page's button, or a mail client's RFC 8058 one-click post, which carries no
// cookie) turns that kind off for the person the link names. No sign-in: the signature is the
// authority, and a link whose signature is not ours changes nothing. The page speaks the named
// person's language (i18n/i18next.server.ts).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { turnOffEmail } from "../models/notification.server";
import { unsubscribeLinkOf, type UnsubscribeKind } from "../models/unsubscribe-link.server";
import { log } from "../utils/log.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }, { name: "robots", content: "noindex" }];

type Answer = { state: "ask" | "done"; kind: UnsubscribeKind } | { state: "invalid" };

export async function loader({ request }: LoaderFunctionArgs) {
  const link = await unsubscribeLinkOf(request);
  if (!link) return data<Answer>({ state: "invalid" }, { status: 400 });
  return data<Answer>({ state: "ask", kind: link.kind });
}

export async function action({ request }: ActionFunctionArgs) {
  const link = await unsubscribeLinkOf(request);
  if (!link) {
    log.warn("unsubscribe refused: link not signed by us");
    return data<Answer>({ state: "invalid" }, { status: 400 });
  }
  const kinds = await turnOffEmail(link.userId, link.kind);
  log.info("email turned off from a mail's link", { user: link.userId, link: link.kind, kinds });
  return data<Answer>({ state: "done", kind: link.kind });
}

export default function Unsubscribe() {
  const { t } = useTranslation();
  const asked = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() ?? asked;
  if (answer.state === "invalid") {
    return (
      <div className="settings-page" data-unsubscribe="invalid">
        <h1>{t("mail.unsubscribeTitle")}</h1>
        <p role="alert">{t("mail.unsubscribeInvalid")}</p>
      </div>
    );
  }
  const kind = answer.kind === "digest" ? t("emailChoices.digest") : t(`notificationKinds.${answer.kind}`);
  if (answer.state === "done") {
    return (
      <div className="settings-page" data-unsubscribe="done">
        <h1>{t("mail.unsubscribeTitle")}</h1>
        <p role="status">{t("mail.unsubscribed", { kind })}</p>
      </div>
    );
  }
  return (
    <div className="settings-page" data-unsubscribe="ask">
      <h1>{t("mail.unsubscribeTitle")}</h1>
      <p>{t("mail.unsubscribeBody", { kind })}</p>
      <Form method="post">
        <button type="submit" className="primary">
          {t("mail.unsubscribeConfirm")}
        </button>
      </Form>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
