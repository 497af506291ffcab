// Limits the forms show and the server enforces alike (browser-safe).

/** A plan's title, in characters. */
export const PLAN_TITLE_MAX_LENGTH = 200;
