// safeRedirectPath: a redirect target resolved the way a browser resolves it, and only a path on
// this site written back (security issue 20, item 5; the real server in web-doors.test.ts).
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../app/models/session.server";

describe("safeRedirectPath", () => {
  it.each([
    ["/plans/demo-sse", "/plans/demo-sse"],
    ["/plans/demo-sse/history?from=1&to=current#top", "/plans/demo-sse/history?from=1&to=current#top"],
    ["/plans/./demo-sse/x/../members", "/plans/demo-sse/members"],
    ["/plans/demo%20sse", "/plans/demo%20sse"],
    ["/plans?q=a%2Fb", "/plans?q=a%2Fb"],
    ["/plans?next=//evil.example", "/plans?next=//evil.example"],
    ["plans", "/plans"],
    ["/pl\tans", "/plans"],
    ["", "/"],
  ])("keeps the path on this site %j as %j", (target, expected) => {
    expect(safeRedirectPath(target)).toBe(expected);
  });

  it.each([
    "/./\\127.0.0.1:9/phish",
    "/plans/../\\evil.example",
    "/x/../\\/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\u0000//evil.example",
    "/.//evil.example",
    "/x/..//evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5C%5Cevil.example",
    "/%5c127.0.0.1:9/phish",
    "https://evil.example/",
    "https:evil.example",
    "http:/\\evil.example",
    "http://gotong.invalid@evil.example/",
    "javascript:alert(1)",
    "data:text/html,x",
  ])("sends %j to /plans", (target) => {
    expect(safeRedirectPath(target)).toBe("/plans");
  });

  it("sends what is not text to /plans", () => {
    expect(safeRedirectPath(null)).toBe("/plans");
    expect(safeRedirectPath(undefined)).toBe("/plans");
  });

  it("always answers a path that starts with one slash and stays on the site it is resolved against", () => {
    const alphabet = ["/", "\\", ".", "..", "%2f", "%5c", "\t", "\n", " ", "evil.example", ":", "@", "?", "#", "http:", "a"];
    let seed = 20;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const target = Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const path = safeRedirectPath(target);
      expect(path.startsWith("/") && !/^\/[/\\]/.test(path), target).toBe(true);
      expect(new URL(path, "https://gotong.example/login").origin, target).toBe("https://gotong.example");
    }
  });
});
