// One websocket on a plan: decodes what it receives (any failure closes only this socket),
// applies what its role allows, and answers save requests once the storage has committed.
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import * as awarenessProtocol from "y-protocols/awareness";
import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import {
  CLOSE_CLIENT_ID_TAKEN,
  CLOSE_MALFORMED,
  CLOSE_NOT_A_SUGGESTION,
  CLOSE_PLAN_TOO_LARGE,
  CLOSE_RATE_LIMITED,
  CLOSE_SEND_BACKLOG,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SAVE_REQUEST,
  MESSAGE_SYNC,
} from "../../app/collab/protocol";
import { can, type Role } from "../../app/models/roles";
import type { UserSummary } from "../../app/models/user.server";
import { userColor } from "../../app/utils/colors";
import { errorFields, log } from "../../app/utils/log.server";
import { stampAwarenessUpdate, type PresenceRules, type PresenceUser } from "./awareness-stamp";
import type { LivePlan } from "./live-plan";
import type { PlanSocket } from "./plan-socket";
import { encodeAwarenessMessage, encodePermissionDenied, encodeSaved } from "./messages";
import type { CollabMetrics } from "./metrics";
import { MessageRateLimit, TokenBucket } from "../../app/utils/rate-limit";
import type { UpdateStore } from "./update-store";
import { holdWritesForThisTurn } from "./write-batching";

class MalformedMessage extends Error {}

const SEND_OPTIONS = { binary: true } as const;

/** What one socket may cost the server beyond its message rate (server/config.ts, collab). */
export interface SocketCostLimits {
  maxFrameBytes: number;
  maxBytesPerSecond: number;
  maxSyncRequestsPerMinute: number;
  maxUnsentBytes: number;
  maxPresenceIdsPerSocket: number;
  maxPresenceStateBytes: number;
  maxPresenceBytesPerSecond: number;
}
const NO_COST_LIMITS: SocketCostLimits = {
  maxFrameBytes: Infinity,
  maxBytesPerSecond: 0,
  maxSyncRequestsPerMinute: 0,
  maxUnsentBytes: Infinity,
  maxPresenceIdsPerSocket: Infinity,
  maxPresenceStateBytes: Infinity,
  maxPresenceBytesPerSecond: 0,
};

export interface ConnectionOptions {
  socket: WebSocket;
  /** The socket's network stream (the upgraded one): its frames of one turn leave in one write
   * (write-batching.ts). Without it, each frame is written as it is sent. */
  stream?: Duplex;
  plan: LivePlan;
  user: UserSummary;
  sessionId: string;
  role: Role;
  /** Answers save requests once what it holds is stored. */
  store: UpdateStore;
  metrics: CollabMetrics;
  maxMessagesPerSecond: number;
  limits?: SocketCostLimits;
}

export class CollabConnection implements PlanSocket {
  /** The awareness ids this socket speaks for now. */
  readonly awarenessClientIds = new Set<number>();
  /** Every awareness id it has spoken for: its budget (a tab uses one for its life). */
  private readonly claimedAwarenessIds = new Set<number>();
  private readonly presenceRules: PresenceRules;
  /** Presence is relayed to everyone on the plan: its bytes have a rate of their own. */
  private readonly presenceByteLimit: TokenBucket;
  private hasBeenToldPresenceRefused = false;
  readonly presenceUser: PresenceUser;
  private readonly rateLimit: MessageRateLimit;
  private readonly byteLimit: TokenBucket;
  /** Sync step 1s and awareness queries: cheap to ask, answered with up to the whole plan. */
  private readonly syncRequestLimit: TokenBucket;
  private hasBeenToldReadOnly = false;

  readonly socket: WebSocket;
  private readonly stream: Duplex | undefined;
  readonly plan: LivePlan;
  readonly user: UserSummary;
  readonly sessionId: string;
  role: Role;
  private readonly store: UpdateStore;
  private readonly metrics: CollabMetrics;
  private readonly limits: SocketCostLimits;

  constructor(options: ConnectionOptions) {
    const { maxMessagesPerSecond, limits = NO_COST_LIMITS } = options;
    this.socket = options.socket;
    this.stream = options.stream;
    this.plan = options.plan;
    this.user = options.user;
    this.sessionId = options.sessionId;
    this.role = options.role;
    this.store = options.store;
    this.metrics = options.metrics;
    this.limits = limits;
    this.rateLimit = new MessageRateLimit(maxMessagesPerSecond);
    // Whatever the rate, one frame of the largest size allowed always fits a full bucket.
    this.byteLimit = new TokenBucket(limits.maxBytesPerSecond, Math.max(limits.maxBytesPerSecond * 2, limits.maxFrameBytes));
    this.syncRequestLimit = new TokenBucket(limits.maxSyncRequestsPerMinute / 60, limits.maxSyncRequestsPerMinute);
    this.presenceByteLimit = new TokenBucket(limits.maxPresenceBytesPerSecond, limits.maxPresenceBytesPerSecond * 2);
    this.presenceRules = {
      isOwnedByOther: (clientId) => this.plan.presence.isOwnedByOther(this, clientId),
      isShown: (clientId) => this.awarenessClientIds.has(clientId) || this.plan.awareness.getStates().has(clientId),
      mayClaim: (clientId) => {
        if (this.claimedAwarenessIds.has(clientId)) return true;
        if (this.claimedAwarenessIds.size >= limits.maxPresenceIdsPerSocket) return false;
        this.claimedAwarenessIds.add(clientId);
        return true;
      },
      maxStateBytes: limits.maxPresenceStateBytes,
    };
    this.presenceUser = {
      id: this.user.id,
      name: this.user.name,
      organisation: this.user.organisationName,
      color: userColor(this.user.id),
    };
  }

  /** Viewers: nothing they send changes the text. Commenters may suggest (checked per update). */
  get isReadOnly(): boolean {
    return !can(this.role, "plan.suggest");
  }

  /** Joins the plan and greets the client: our state vector, then everyone's presence. */
  start(): void {
    this.plan.connections.add(this);
    this.socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    this.send(this.plan.syncStep1());
    const states = this.plan.awareness.getStates();
    if (states.size > 0) this.send(encodeAwarenessMessage(this.plan.awareness, [...states.keys()]));
  }

  send(message: Uint8Array): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    // ws queues in memory whatever a socket does not read. A slow reader may have the plan's
    // whole initial sync waiting, and some more; beyond that it is closed, and nothing more
    // is queued for it.
    if (this.socket.bufferedAmount + message.byteLength > this.limits.maxUnsentBytes + this.plan.approximateSize) {
      this.metrics.sendBacklogClosed += 1;
      log.warn("collab socket does not read what it is sent; closing", { ...this.logFields(), unsentBytes: this.socket.bufferedAmount });
      this.close(CLOSE_SEND_BACKLOG, "too much unsent data waiting for this connection");
      return;
    }
    if (this.stream) holdWritesForThisTurn(this.stream);
    this.socket.send(message, SEND_OPTIONS, this.afterSend);
  }

  private readonly afterSend = (error?: Error) => {
    if (error) this.close(CLOSE_MALFORMED, "send failed");
  };

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /** Forgets this socket's presence; called once the socket has closed. */
  leave(): void {
    this.plan.connections.delete(this);
    // The proving copy costs a second plan in memory: only while someone who may only suggest is here.
    if (![...this.plan.connections].some((socket) => !can(socket.role, "plan.editText"))) this.plan.suggestionGate.forgetProvingCopy();
    if (this.awarenessClientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.plan.awareness, [...this.awarenessClientIds], null);
    }
  }

  private receive(data: unknown, isBinary: boolean): void {
    // Closing: what it still sends is not read (nor counted again).
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.rateLimit.take()) return this.closeRateLimited("too many messages per second");
    if (!this.byteLimit.take(data instanceof Buffer ? data.byteLength : 0)) return this.closeRateLimited("too many bytes per second");
    try {
      if (!isBinary || !(data instanceof Buffer)) throw new MalformedMessage("not a binary frame");
      this.handle(decoding.createDecoder(data));
    } catch (error) {
      this.metrics.malformed += 1;
      log.warn("collab message refused; closing socket", { ...this.logFields(), ...errorFields(error) });
      this.close(CLOSE_MALFORMED, "malformed message");
    }
  }

  private handle(decoder: decoding.Decoder): void {
    const messageType = decoding.readVarUint(decoder);
    switch (messageType) {
      case MESSAGE_SYNC:
        return this.handleSync(decoder);
      case MESSAGE_AWARENESS:
        return this.handleAwareness(decoding.readVarUint8Array(decoder));
      case MESSAGE_QUERY_AWARENESS:
        if (!this.syncRequestLimit.take()) return this.closeRateLimited("too many sync requests per minute");
        return this.send(encodeAwarenessMessage(this.plan.awareness, [...this.plan.awareness.getStates().keys()]));
      case MESSAGE_SAVE_REQUEST: {
        const seq = decoding.readVarUint(decoder);
        void this.store.whenStored().then(() => this.send(encodeSaved(seq)));
        return;
      }
      default:
        throw new MalformedMessage(`unknown message type ${messageType}`);
    }
  }

  private handleSync(decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1:
        if (!this.syncRequestLimit.take()) return this.closeRateLimited("too many sync requests per minute");
        return this.send(this.plan.syncStep2(decoding.readVarUint8Array(decoder), () => (this.metrics.syncAnswersEncoded += 1)));
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        // Every client answers our sync step 1 with what we lack: usually nothing. Only a
        // real change from a read-only role is refused (and told).
        if (isEmptyUpdate(update)) return;
        if (this.isReadOnly) return this.dropReadOnlyUpdate();
        const outcome = this.plan.applyClientUpdate(update, this);
        if (outcome === "outsideSchema") {
          this.metrics.outsideSchema += 1;
          log.warn("update outside the plan schema refused whole; nothing of it stored", this.logFields());
          this.close(CLOSE_MALFORMED, "document structure outside the plan schema");
        } else if (outcome === "notASuggestion") {
          this.metrics.notASuggestion += 1;
          log.warn("update changing more than the sender's own suggestions refused whole; nothing of it stored", this.logFields());
          this.close(CLOSE_NOT_A_SUGGESTION, "only your own suggestions may change");
        } else if (outcome === "rateLimited") {
          this.closeRateLimited("too many refused suggestions");
        } else if (outcome === "foreignClient") {
          this.metrics.foreignClientUpdates += 1;
          log.warn("structs under another account's Yjs client id taken out of an update", this.logFields());
        } else if (outcome === "ownClientIdTaken") {
          // Closed before its save request is read: the page must not show "Saved".
          this.metrics.foreignClientUpdates += 1;
          log.warn("a socket's own Yjs client id is bound to another account; its new edits were not stored", this.logFields());
          this.close(CLOSE_CLIENT_ID_TAKEN, "editing session id belongs to another account; reload the page");
        } else if (outcome === "tooLarge") {
          log.warn("update refused: the plan is at its size limit", this.logFields());
          this.send(encodePermissionDenied("This plan has reached its size limit."));
          this.close(CLOSE_PLAN_TOO_LARGE, "the plan has reached its size limit");
        }
        return;
      }
      default:
        throw new MalformedMessage(`unknown sync message type ${syncType}`);
    }
  }

  private closeRateLimited(reason: string): void {
    this.metrics.rateLimited += 1;
    log.warn("collab socket over its rate; closing", { ...this.logFields(), reason });
    this.close(CLOSE_RATE_LIMITED, reason);
  }

  private dropReadOnlyUpdate(): void {
    this.metrics.droppedReadOnlyUpdates += 1;
    if (this.hasBeenToldReadOnly) return;
    this.hasBeenToldReadOnly = true;
    log.warn("document update from a read-only role dropped", this.logFields());
    this.send(encodePermissionDenied(`Your role on this plan (${this.role}) cannot change its text.`));
  }

  private handleAwareness(update: Uint8Array): void {
    const stamped = stampAwarenessUpdate(update, this.presenceUser, this.presenceRules);
    if (stamped.refused > 0) {
      this.metrics.presenceRefused += stamped.refused;
      if (!this.hasBeenToldPresenceRefused) {
        this.hasBeenToldPresenceRefused = true;
        log.warn("presence for more awareness ids than a socket may speak for refused", this.logFields());
      }
    }
    // What it tried to say counts as much as what was relayed: a flood of refused ids ends too.
    if (!this.presenceByteLimit.take(stamped.update.byteLength + stamped.refusedBytes))
      return this.closeRateLimited("too much presence per second");
    if (stamped.clientIds.length === 0 && stamped.removedIds.length === 0) return;
    // Only a state claims an id for this socket; a removal gives its claim up.
    for (const clientId of stamped.clientIds) this.awarenessClientIds.add(clientId);
    for (const clientId of stamped.removedIds) this.awarenessClientIds.delete(clientId);
    awarenessProtocol.applyAwarenessUpdate(this.plan.awareness, stamped.update, this);
  }

  logFields() {
    return { plan: this.plan.planId, user: this.user.id, role: this.role };
  }
}

/** An update with no structs and no deletions (Yjs v1 encoding: two zero counts). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
