// Limits the forms show and the server enforces alike (browser-safe).

/** A plan's title, in characters. */
export const PLAN_TITLE_MAX_LENGTH = 200;

/** Text for one line (a title): control characters (NUL, which PostgreSQL refuses, included)
 * and runs of whitespace become one space, ends trimmed. */
export function oneLine(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
}
