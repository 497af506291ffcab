import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getOptionalUser } from "../models/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await getOptionalUser(request)) ? "/plans" : "/login");
}
