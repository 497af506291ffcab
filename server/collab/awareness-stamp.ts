// Presence is stamped by the server: whatever a client says about itself, the `user` field
// it relays is the authenticated account's name, organisation and colour, and a socket may
// not change the presence of an awareness client id another socket speaks for, nor speak for
// more ids than its budget.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as string from "lib0/string";

export interface PresenceUser {
  id: number;
  name: string;
  organisation: string;
  color: string;
}

export class AwarenessRefused extends Error {}

/** What one socket may say about presence (CollabConnection applies them). */
export interface PresenceRules {
  /** Another socket (or instance) speaks for this id: its entries are echoes, dropped unread. */
  isOwnedByOther(clientId: number): boolean;
  /** The plan shows a presence for this id (removing any other would change nothing). */
  isShown(clientId: number): boolean;
  /** The socket may speak for this id: its budget of ids. Asked once per state it sends. */
  mayClaim(clientId: number): boolean;
  /** Largest state accepted, in bytes of JSON as sent; a larger one refuses the whole update. */
  maxStateBytes: number;
}

/**
 * Rewrites an awareness update from one socket. Entries for ids another socket speaks for
 * are dropped unread (the stock y-websocket client echoes everyone's presence back), and so
 * are states for ids past the socket's budget (counted in `refused`, with their bytes) and
 * removals of ids the plan does not show. Returns the rewritten update and the ids this socket
 * speaks for or gives up. Throws on malformed input and on a state over `maxStateBytes`.
 */
export function stampAwarenessUpdate(
  update: Uint8Array,
  user: PresenceUser,
  rules: PresenceRules,
): { update: Uint8Array; clientIds: number[]; removedIds: number[]; refused: number; refusedBytes: number } {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: { clientId: number; clock: number; state: string }[] = [];
  let refused = 0;
  let refusedBytes = 0;
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    // The bytes of a varString: decoded only for an entry that is kept.
    const json = decoding.readVarUint8Array(decoder);
    if (rules.isOwnedByOther(clientId)) continue;
    if (json.byteLength > rules.maxStateBytes) throw new AwarenessRefused("awareness state too large");
    if (json.byteLength === 4 && string.decodeUtf8(json) === "null") {
      if (rules.isShown(clientId)) entries.push({ clientId, clock, state: "null" });
      continue;
    }
    if (!rules.mayClaim(clientId)) {
      refused += 1;
      refusedBytes += json.byteLength;
      continue;
    }
    const state: unknown = JSON.parse(string.decodeUtf8(json));
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new AwarenessRefused("awareness state is not an object");
    }
    entries.push({ clientId, clock, state: JSON.stringify({ ...(state as Record<string, unknown>), user }) });
  }
  if (decoding.hasContent(decoder)) throw new AwarenessRefused("trailing bytes after awareness update");
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  // A removal (a null state) speaks for nobody: stock clients echo other people's removals.
  return {
    update: encoding.toUint8Array(encoder),
    clientIds: entries.filter((entry) => entry.state !== "null").map((entry) => entry.clientId),
    removedIds: entries.filter((entry) => entry.state === "null").map((entry) => entry.clientId),
    refused,
    refusedBytes,
  };
}

/** The entries of an awareness update whose client ids `keep` accepts; null if none are left. */
export function filterAwarenessUpdate(update: Uint8Array, keep: (clientId: number) => boolean): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  let kept = 0;
  const entries = encoding.createEncoder();
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    if (!keep(clientId)) continue;
    kept += 1;
    encoding.writeVarUint(entries, clientId);
    encoding.writeVarUint(entries, clock);
    encoding.writeVarString(entries, state);
  }
  if (kept === 0) return null;
  encoding.writeVarUint(encoder, kept);
  encoding.writeUint8Array(encoder, encoding.toUint8Array(entries));
  return encoding.toUint8Array(encoder);
}
