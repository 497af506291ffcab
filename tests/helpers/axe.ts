// axe-core, run in a page of real Chromium: the accessibility checks the browser tests share.
import { createRequire } from "node:module";
import path from "node:path";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = () => path.join(path.dirname(require.resolve("axe-core")), "axe.min.js");
const SERIOUS = new Set(["moderate", "serious", "critical"]);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's violations of impact moderate or worse on the page as it is now (its context needs
 * `bypassCSP: true`: axe is put into the page as a script). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath() });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe.run();
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations
    .filter((violation) => SERIOUS.has(violation.impact ?? ""))
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary ?? ""})`).join(", ")}`,
    );
}
