// Repeated failures slow sign-in down. Its own server: the throttle counts per account and
// address, and every test request here comes from 127.0.0.1 (other addresses, bursts and the
// victim's own address: tests/reliability/web-doors.test.ts).
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

const attempt = (password: string) =>
  fetch(`${server.url}/login`, {
    method: "POST",
    body: new URLSearchParams({ email: DEMO.owner, password }),
    redirect: "manual",
  });

it("refuses attempts from the same address after five failures for an account, even with the right password, and says when to retry", async () => {
  for (let i = 0; i < 5; i++) expect((await attempt("wrong")).status).toBe(401);
  const locked = await attempt("gotong-demo");
  expect(locked.status).toBe(429);
  expect(locked.headers.get("retry-after")).toBe("30");
  expect(await locked.text()).toMatch(/Too many attempts\. Try again in 30 seconds\./);
});
