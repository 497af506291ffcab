// The messages instances send each other on a plan's Redis channel (server/collab/cluster/relay-codec.ts).
import { describe, expect, it } from "vitest";
import { redactedUrl } from "../../app/utils/log.server";
import { describeDatabase } from "../../db/dialect";
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from "../../server/collab/cluster/relay-codec";

describe("relay messages", () => {
  const messages: RelayMessage[] = [
    {
      kind: "updates",
      updates: [
        { rowId: 41, userId: 3, update: new Uint8Array([1, 2, 3]) },
        // Too large to publish: its row id alone, the receiver reads the row.
        { rowId: 2 ** 40, userId: null, update: new Uint8Array([]) },
      ],
      bindings: [
        [4_294_967_295, 3],
        [7, 12],
      ],
    },
    { kind: "updates", updates: [], bindings: [] },
    { kind: "awareness", update: new Uint8Array([9, 8, 7]) },
    { kind: "member", userId: 5 },
    { kind: "planChanged" },
    { kind: "threadsChanged" },
    { kind: "presenceWanted" },
    { kind: "sessionEnded", sessionHash: "q2Zr0Ez7l1lJ3hQkQf8k1w" },
  ];

  it.each(messages.map((message) => [message.kind, message] as const))(
    "a %s message reads back as sent, with its instance",
    (_kind, message) => {
      expect(decodeRelayMessage(encodeRelayMessage("instance-a", message))).toEqual({ instanceId: "instance-a", message });
    },
  );

  it("refuses an unknown kind and a cut-off message", () => {
    const unknown = encodeRelayMessage("a", { kind: "planChanged" });
    unknown[unknown.length - 1] = 99;
    expect(() => decodeRelayMessage(unknown)).toThrow(/unknown relay message kind/);
    const full = encodeRelayMessage("a", messages[0]!);
    expect(() => decodeRelayMessage(full.subarray(0, full.length - 4))).toThrow();
  });

  it("never logs a Redis or PostgreSQL password", () => {
    expect(redactedUrl("redis://:hunter2@redis.internal:6379/0")).not.toContain("hunter2");
    expect(redactedUrl("redis://redis.internal:6379")).toBe("redis://redis.internal:6379");
    expect(redactedUrl("redis://redis.internal:6379/0?password=hunter2")).not.toContain("hunter2");
    expect(describeDatabase("postgres://gotong:hunter2@db.internal/gotong?sslpassword=hunter2")).toBe(
      "postgres://gotong:***@db.internal/gotong",
    );
    expect(describeDatabase("/var/lib/gotong/gotong.db")).toBe("/var/lib/gotong/gotong.db");
  });
});
