// Presence is stamped by the server: whatever a client says about itself, the `user` field
// it relays is the authenticated account's name, organisation and colour, and a socket may
// not change the presence of an awareness client id another socket speaks for.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export interface PresenceUser {
  id: number;
  name: string;
  organisation: string;
  color: string;
}

export const MAX_AWARENESS_CLIENTS_PER_SOCKET = 8;
const MAX_STATE_LENGTH = 16 * 1024;

export class AwarenessRefused extends Error {}

/**
 * Rewrites an awareness update from one socket. `isOwnedByOther(clientId)` says whether
 * another socket speaks for that id: the stock y-websocket client echoes everyone's
 * presence back, so such entries are dropped, never applied. Returns the rewritten update
 * and the ids this socket speaks for. Throws on malformed input.
 */
export function stampAwarenessUpdate(
  update: Uint8Array,
  user: PresenceUser,
  isOwnedByOther: (clientId: number) => boolean,
): { update: Uint8Array; clientIds: number[]; removedIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: { clientId: number; clock: number; state: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_STATE_LENGTH) throw new AwarenessRefused("awareness state too large");
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
      throw new AwarenessRefused("awareness state is not an object");
    }
    if (isOwnedByOther(clientId)) continue;
    const stamped = state === null ? null : { ...(state as Record<string, unknown>), user };
    entries.push({ clientId, clock, state: JSON.stringify(stamped) });
  }
  if (decoding.hasContent(decoder)) throw new AwarenessRefused("trailing bytes after awareness update");
  if (entries.length > MAX_AWARENESS_CLIENTS_PER_SOCKET) throw new AwarenessRefused("too many awareness states");
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
