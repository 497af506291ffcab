// GET: the signed-in account's notifications, newest first (docs/workflow.md), and how many
// are unread. `?limit=` (0–100, default 50); `?unread=1` for unread ones only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readInbox } from "../models/inbox.server";
import { unreadCount } from "../models/notification.server";
import { requireApiUser } from "../utils/api.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, t } = await requireApiUser(request);
  const params = new URL(request.url).searchParams;
  const asked = Number(params.get("limit") ?? 50);
  const limit = Number.isInteger(asked) ? Math.min(Math.max(asked, 0), 100) : 50;
  const [notifications, unread] = await Promise.all([
    limit === 0 ? [] : readInbox(user.id, t, { limit, unreadOnly: params.get("unread") === "1" }),
    unreadCount(user.id),
  ]);
  return Response.json({ notifications, unread }, { headers: { "Cache-Control": "no-store" } });
}
