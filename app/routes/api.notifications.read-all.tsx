// POST: marks every notification of the caller read.
import type { ActionFunctionArgs } from "@remix-run/node";
import { markAllRead } from "../models/notification.server";
import { jsonError, requireApiUser } from "../utils/api.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user } = await requireApiUser(request);
  await markAllRead(user.id);
  return Response.json({ read: true, unread: 0 });
}
