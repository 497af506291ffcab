import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "../models/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  // Open sockets of this session close now, on every instance, not at their next re-check.
  return endSession(request, ({ sessionId, userId }) => context.collab.endSession(sessionId, userId));
}

export async function loader() {
  return redirect("/");
}
