// Comment rules the page and the server share (the page checks first, the server decides).
import type { ThreadDisposition } from "../../db/schema";

export const DISPOSITIONS = ["accepted", "partly_accepted", "not_accepted", "noted"] as const satisfies readonly ThreadDisposition[];
export type Disposition = (typeof DISPOSITIONS)[number];

/** The longest comment body the server accepts. */
export const MAX_COMMENT_LENGTH = 5000;
