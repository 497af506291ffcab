// POST: marks one of the caller's notifications read (404 for anyone else's).
import type { ActionFunctionArgs } from "@remix-run/node";
import { markRead, unreadCount } from "../models/notification.server";
import { jsonError, requireApiUser } from "../utils/api.server";

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, t } = await requireApiUser(request);
  const id = Number(params.notificationId);
  if (!Number.isSafeInteger(id) || !(await markRead(user.id, id))) return jsonError(404, t("api.notificationNotFound"));
  return Response.json({ read: true, unread: await unreadCount(user.id) });
}
