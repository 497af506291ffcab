// Presence is stamped by the server: whatever a client says about itself, the `user` field
// it relays is the authenticated account's name, organisation and colour, and a socket may
// speak only for awareness client ids it owns.
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
 * Rewrites an awareness update from one socket. `mayUse(clientId)` says whether this socket
 * may speak for that id (it is its own, or new). Returns the rewritten update and the ids
 * it speaks for. Throws on malformed input or a refused id.
 */
export function stampAwarenessUpdate(
  update: Uint8Array,
  user: PresenceUser,
  mayUse: (clientId: number) => boolean,
): { update: Uint8Array; clientIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_CLIENTS_PER_SOCKET) throw new AwarenessRefused("too many awareness states");
  encoding.writeVarUint(encoder, count);
  const clientIds: number[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_STATE_LENGTH) throw new AwarenessRefused("awareness state too large");
    if (!mayUse(clientId)) throw new AwarenessRefused("awareness client id belongs to another connection");
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
      throw new AwarenessRefused("awareness state is not an object");
    }
    const stamped = state === null ? null : { ...(state as Record<string, unknown>), user };
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(stamped));
    clientIds.push(clientId);
  }
  if (decoding.hasContent(decoder)) throw new AwarenessRefused("trailing bytes after awareness update");
  return { update: encoding.toUint8Array(encoder), clientIds };
}
