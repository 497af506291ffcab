import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "../models/session.server";

export async function action({ request }: ActionFunctionArgs) {
  return endSession(request);
}

export async function loader() {
  return redirect("/");
}
