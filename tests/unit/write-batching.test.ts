import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { holdWritesForThisTurn } from "../../server/collab/write-batching";

/** A stream that records each write it is asked to make (one call: one system call on a socket). */
function recordingStream() {
  const calls: string[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      calls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("write batching", () => {
  it("writes what one turn sent to a stream in one call, after the turn", async () => {
    const { stream, calls } = recordingStream();
    holdWritesForThisTurn(stream);
    stream.write("update");
    holdWritesForThisTurn(stream);
    stream.write("cursor");
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual([["update", "cursor"]]);
  });

  it("holds each stream's writes apart, and the next turn's again", async () => {
    const a = recordingStream();
    const b = recordingStream();
    for (const { stream } of [a, b]) {
      holdWritesForThisTurn(stream);
      stream.write("1");
      stream.write("2");
    }
    await nextTurn();
    expect(a.calls).toEqual([["1", "2"]]);
    expect(b.calls).toEqual([["1", "2"]]);
    holdWritesForThisTurn(a.stream);
    a.stream.write("3");
    holdWritesForThisTurn(a.stream);
    a.stream.write("4");
    await nextTurn();
    expect(a.calls).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("leaves a stream that is ended writable by the end itself", async () => {
    const { stream, calls } = recordingStream();
    holdWritesForThisTurn(stream);
    stream.write("close frame");
    stream.end();
    // end() uncorks: the frame is written at once; the release later finds nothing held.
    await nextTurn();
    expect(calls.flat()).toEqual(["close frame"]);
  });
});
