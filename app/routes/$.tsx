// Any address no other route claims: a 404 page.
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export { ErrorPage as ErrorBoundary } from "../root";
