// Message types on /collab/<planId>. 0–3 are y-websocket's own (sync, awareness, auth,
// query-awareness); ours start at 100 so the stock client never sends them, and only
// clients that ask for "Saved" acknowledgements ever receive one.
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** client → server: [100, seq] "tell me when everything I sent before this is stored". */
export const MESSAGE_SAVE_REQUEST = 100;
/** server → client: [101, seq] "everything you sent before save request `seq` is stored". */
export const MESSAGE_SAVED = 101;

/** server → client: [102] "the plan's details changed (sections, members): reload them". */
export const MESSAGE_PLAN_CHANGED = 102;

/** server → client: [103] "comment threads changed: fetch them again". */
export const MESSAGE_THREADS_CHANGED = 103;

/** Close codes (4000–4999 are for applications). y-websocket does not reconnect after
 * 44xx, the "reconnecting cannot fix this" range, and does after 45xx, "try again later". */
export const CLOSE_MALFORMED = 4400;
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** The socket's own Yjs client id is bound to another account (its first edits reached the
 * server through someone else's tab after a crash): its new edits cannot be stored under it;
 * a reload starts a fresh id. */
export const CLOSE_CLIENT_ID_TAKEN = 4409;
/** The socket may only suggest, and its update changed more than its own suggestions (a page in
 * suggesting mode never sends that; reloading gives the accepted text back). */
export const CLOSE_NOT_A_SUGGESTION = 4422;
/** The plan has reached COLLAB_MAX_PLAN_BYTES: the update was not applied. */
export const CLOSE_PLAN_TOO_LARGE = 4413;
/** The socket did not read what it was sent: more was waiting for it than COLLAB_MAX_UNSENT_BYTES
 * plus the plan's size. Reconnecting (on a better connection) may work. */
export const CLOSE_SEND_BACKLOG = 4507;
export const CLOSE_RATE_LIMITED = 4529;
/** The standard "service restart" code, sent on shutdown: reconnect later. */
export const CLOSE_RESTARTING = 1012;
