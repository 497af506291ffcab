// Set up before every test file (vitest.config.ts): when a test fails, what each open signed-in
// page showed is printed, so a flake seen once in CI can be read from its log.
import { afterEach } from "vitest";
import { openPages } from "./open-pages";

/** A page's address, save status, focus, the editor's selection with the blocks around it and
 * the text of the block holding the caret, the page's errors and its last console lines. */
afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  for (const [page, { errors, consoleLines }] of openPages) {
    const seen = await page
      .evaluate(() => {
        const active = document.activeElement;
        const element = document.querySelector(".ProseMirror") as unknown as {
          editor?: {
            state: {
              selection: {
                from: number;
                to: number;
                $from: { depth: number; node(depth: number): { type: { name: string } }; parent: { textContent: string } };
              };
            };
          };
        } | null;
        const selection = element?.editor?.state.selection;
        return {
          url: window.location.href,
          status: document.querySelector<HTMLElement>(".connection-status")?.dataset.status ?? null,
          focus: active
            ? `${active.tagName.toLowerCase()}${active.className ? `.${String(active.className).split(" ").join(".")}` : ""}`
            : null,
          selection: selection
            ? {
                from: selection.from,
                to: selection.to,
                // The blocks around the caret, outermost first: "doc > section > orderedList > listItem > paragraph".
                block: Array.from({ length: selection.$from.depth + 1 }, (_, depth) => selection.$from.node(depth).type.name).join(" > "),
                text: selection.$from.parent.textContent.slice(0, 300),
              }
            : null,
        };
      })
      .catch((error: unknown) => ({ unreadable: String(error) }));
    console.log(`page at the failure of “${context.task.name}”:`, JSON.stringify({ ...seen, errors, console: consoleLines }, null, 1));
  }
});
