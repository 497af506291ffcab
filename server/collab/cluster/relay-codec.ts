// The messages instances send each other on a plan's Redis channel, and their encoding
// (lib0, tagged with the sending instance's id). The transport is redis-relay.ts.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/** An update another instance stored: its row in plan_updates, its author, its bytes. */
export interface RelayedUpdate {
  rowId: number;
  userId: number | null;
  /** Empty when the update is too large to publish: the receiver reads the row instead. */
  update: Uint8Array;
}

export type RelayMessage =
  /** Updates an instance stored, and the Yjs client ids it bound to accounts [client, user]. */
  | { kind: "updates"; updates: RelayedUpdate[]; bindings: [number, number][] }
  /** A y-protocols awareness update from an instance's own clients. */
  | { kind: "awareness"; update: Uint8Array }
  /** A member's role or membership changed: re-read it. */
  | { kind: "member"; userId: number }
  /** An instance just opened the plan: the others publish their clients' presence. */
  | { kind: "presenceWanted" }
  /** A session signed out: close its sockets. The session id's SHA-256, never the id itself. */
  | { kind: "sessionEnded"; sessionHash: string }
  | { kind: "planChanged" }
  | { kind: "threadsChanged" };

const KIND_CODES = { updates: 0, awareness: 1, member: 2, planChanged: 3, threadsChanged: 4, presenceWanted: 5, sessionEnded: 6 } as const;

/** Updates larger than this travel as their row id only (Redis buffers every pub/sub message
 * for every subscriber; a slow one is cut off past its output limit). */
export const MAX_RELAYED_UPDATE_BYTES = 64 * 1024;

export function encodeRelayMessage(instanceId: string, message: RelayMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, instanceId);
  encoding.writeVarUint(encoder, KIND_CODES[message.kind]);
  switch (message.kind) {
    case "updates":
      encoding.writeVarUint(encoder, message.updates.length);
      for (const { rowId, userId, update } of message.updates) {
        encoding.writeVarUint(encoder, rowId);
        // 0 for the server's own edits; account ids start at 1.
        encoding.writeVarUint(encoder, userId ?? 0);
        encoding.writeVarUint8Array(encoder, update);
      }
      encoding.writeVarUint(encoder, message.bindings.length);
      for (const [clientId, userId] of message.bindings) {
        encoding.writeVarUint(encoder, clientId);
        encoding.writeVarUint(encoder, userId);
      }
      break;
    case "awareness":
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case "member":
      encoding.writeVarUint(encoder, message.userId);
      break;
    case "sessionEnded":
      encoding.writeVarString(encoder, message.sessionHash);
      break;
    case "planChanged":
    case "threadsChanged":
    case "presenceWanted":
      break;
  }
  return encoding.toUint8Array(encoder);
}

export function decodeRelayMessage(data: Uint8Array): { instanceId: string; message: RelayMessage } {
  const decoder = decoding.createDecoder(data);
  const instanceId = decoding.readVarString(decoder);
  const code = decoding.readVarUint(decoder);
  switch (code) {
    case KIND_CODES.updates: {
      const updates: RelayedUpdate[] = [];
      for (let count = decoding.readVarUint(decoder); count > 0; count--) {
        const rowId = decoding.readVarUint(decoder);
        const userId = decoding.readVarUint(decoder);
        updates.push({ rowId, userId: userId === 0 ? null : userId, update: decoding.readVarUint8Array(decoder) });
      }
      const bindings: [number, number][] = [];
      for (let count = decoding.readVarUint(decoder); count > 0; count--) {
        bindings.push([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]);
      }
      return { instanceId, message: { kind: "updates", updates, bindings } };
    }
    case KIND_CODES.awareness:
      return { instanceId, message: { kind: "awareness", update: decoding.readVarUint8Array(decoder) } };
    case KIND_CODES.member:
      return { instanceId, message: { kind: "member", userId: decoding.readVarUint(decoder) } };
    case KIND_CODES.planChanged:
      return { instanceId, message: { kind: "planChanged" } };
    case KIND_CODES.threadsChanged:
      return { instanceId, message: { kind: "threadsChanged" } };
    case KIND_CODES.presenceWanted:
      return { instanceId, message: { kind: "presenceWanted" } };
    case KIND_CODES.sessionEnded:
      return { instanceId, message: { kind: "sessionEnded", sessionHash: decoding.readVarString(decoder) } };
    default:
      throw new Error(`unknown relay message kind ${code}`);
  }
}
