// A failed database write (disk full, database locked) is retried, never acknowledged while
// it fails, and shows on /healthz through lastWriteError.
import { expect, it, vi } from "vitest";
import type { StoredUpdate } from "../../server/collab/storage/update-log";
import { UpdateStore } from "../../server/collab/update-store";

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
