// A failed database write (disk full, database locked) is retried, never acknowledged while
// it fails, and shows on /healthz through lastWriteError.
import { expect, it, vi } from "vitest";
import type { StoredUpdate } from "../../server/collab/storage/update-log";
import { MIN_COMMIT_INTERVAL_MS, UpdateStore } from "../../server/collab/update-store";

const update = (n: number): StoredUpdate => ({ planId: "p", userId: 1, update: Uint8Array.of(n), createdAt: n, newClientIds: [] });

it("retries a failing write and acknowledges only after it succeeds", async () => {
  vi.useFakeTimers();
  try {
    const written: number[][] = [];
    let failuresLeft = 2;
    const store = new UpdateStore({
      append: async (updates) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error("SQLITE_FULL: database or disk is full");
        }
        written.push(updates.map((u) => u.createdAt));
        return [];
      },
    });
    store.enqueue(update(1));
    store.enqueue(update(2));
    let acknowledged = false;
    void store.whenStored().then(() => (acknowledged = true));

    await vi.advanceTimersByTimeAsync(1);
    expect(store.lastWriteError?.message).toMatch(/disk is full/);
    expect(acknowledged).toBe(false);
    store.enqueue(update(3)); // arrives while the first batch is failing

    await vi.advanceTimersByTimeAsync(10_000);
    expect(acknowledged).toBe(true);
    expect(store.lastWriteError).toBeUndefined();
    expect(written.flat()).toEqual([1, 2, 3]);
    expect(store.storedUpdateCount).toBe(3);
    await store.whenStored();
  } finally {
    vi.useRealTimers();
  }
});

it("stores a lone update at once, and what arrives within the commit interval after it in one commit", async () => {
  vi.useFakeTimers();
  try {
    const batches: number[][] = [];
    const store = new UpdateStore({
      append: async (updates) => {
        batches.push(updates.map((u) => u.createdAt));
        return [];
      },
    });
    store.enqueue(update(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1]]);

    // Three keystrokes in separate turns, before the interval since the first commit is over.
    let acknowledged = false;
    for (const n of [2, 3, 4]) {
      store.enqueue(update(n));
      await vi.advanceTimersByTimeAsync(1);
    }
    void store.whenStored().then(() => (acknowledged = true));
    expect(batches).toEqual([[1]]);
    expect(acknowledged).toBe(false);
    await vi.advanceTimersByTimeAsync(MIN_COMMIT_INTERVAL_MS);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(acknowledged).toBe(true);

    // Quiet for longer than the interval: the next one is stored at once again.
    await vi.advanceTimersByTimeAsync(MIN_COMMIT_INTERVAL_MS * 2);
    store.enqueue(update(5));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  } finally {
    vi.useRealTimers();
  }
});
