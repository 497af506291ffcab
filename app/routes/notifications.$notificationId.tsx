// Opening a notification: marks it read and goes to the place it is about. Only the account's
// own; the place is a path the server wrote, never an address from outside.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { openNotification } from "../models/notification.server";
import { requireUser, safeRedirectPath } from "../models/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.notificationId);
  const url = Number.isSafeInteger(id) ? await openNotification(user.id, id) : null;
  if (url === null) throw new Response("Not found", { status: 404 });
  return redirect(safeRedirectPath(url));
}

export { ErrorPage as ErrorBoundary } from "../root";
