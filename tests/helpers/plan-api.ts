// The demo plan's JSON API as the integration tests call it, signed in as a demo account of the
// file's server: one request, its status and its JSON.
import type { DemoServer } from "./demo-server";
import { DEMO, type DemoRole } from "./server";

export function planApi(demo: DemoServer) {
  return async function api(role: DemoRole, method: string, path: string, body?: unknown) {
    const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}${path}`, {
      method,
      headers: { cookie: demo.cookies[role], ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
}
