// The inbox: every notification of the account, newest first, unread ones marked; opening one
// marks it read and goes to the place it is about (notifications.$notificationId.tsx).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "../components/RelativeTime";
import { i18next } from "../i18n/i18next.server";
import { readInbox } from "../models/inbox.server";
import { markAllRead } from "../models/notification.server";
import { requireUser } from "../models/session.server";

export const meta: MetaFunction = () => [{ title: "Gotong" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const t = await i18next.getFixedT(request);
  const notifications = await readInbox(user.id, t, { limit: 100 });
  return data({ notifications, now: Date.now() }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  if (form.get("intent") !== "readAll") throw new Response("Bad request", { status: 400 });
  await markAllRead(user.id);
  return { done: true };
}

export default function Notifications() {
  const { t } = useTranslation();
  const { notifications, now } = useLoaderData<typeof loader>();
  const hasUnread = notifications.some((item) => !item.read);
  return (
    <div className="inbox-page">
      <div className="inbox-heading">
        <h1>{t("inbox.title")}</h1>
        {hasUnread ? (
          <Form method="post">
            <button type="submit" name="intent" value="readAll" className="secondary">
              {t("inbox.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {notifications.length === 0 ? (
        <p className="muted">{t("inbox.empty")}</p>
      ) : (
        <ul className="inbox-list">
          {notifications.map((item) => (
            <li key={item.id} className={item.read ? "inbox-item" : "inbox-item is-unread"}>
              <Link to={`/notifications/${item.id}`} className="inbox-link">
                {item.read ? null : <span className="visually-hidden">{t("inbox.unread")}: </span>}
                {item.text}
              </Link>
              {item.excerpt ? <blockquote className="inbox-excerpt">{item.excerpt}</blockquote> : null}
              <span className="muted inbox-time">
                <RelativeTime time={item.createdAt} now={now} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/settings#email">{t("inbox.emailSettings")}</Link>
      </p>
    </div>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
