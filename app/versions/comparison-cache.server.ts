// What keeps compares from eating the server (issue 20, item 9b): a compare of a large plan
// is hundreds of milliseconds of CPU on the one event loop, so ten at once held /healthz and
// every page for seconds. Results are kept per pair of document states in a small LRU, the
// same compare asked for while it runs is computed once, and past a few compares running at
// once (per plan and in all) the caller is told to come back (429 with Retry-After).
import { sql } from "kysely";
import { getDb } from "../../db";
import { singleton } from "../utils/singleton.server";

/** Compares computing at once for one plan, and in the whole process (two CPU cores). */
export const MAX_COMPARES_PER_PLAN = 2;
export const MAX_COMPARES = 4;
/** Results kept; one of a 100-page plan is a few megabytes of objects. */
const CACHED_RESULTS = 8;
/** What a refused caller is told to wait: a compare of a large plan takes about a second. */
export const COMPARE_RETRY_AFTER_SECONDS = 2;

export type Bounded<T> = { ok: true; value: T } | { ok: false; retryAfterSeconds: number };

interface CompareState {
  results: Map<string, unknown>;
  inFlight: Map<string, Promise<unknown>>;
  runningByPlan: Map<string, number>;
  running: number;
}

const state = singleton<CompareState>("comparison-cache", () => ({
  results: new Map(),
  inFlight: new Map(),
  runningByPlan: new Map(),
  running: 0,
}));

/**
 * Runs `work` for `planId` if fewer than the bounds are running, else answers how long to wait.
 * For any costly work on a comparison (computing one, writing its Word file).
 */
export async function runBounded<T>(planId: string, work: () => Promise<T>): Promise<Bounded<T>> {
  const runningHere = state.runningByPlan.get(planId) ?? 0;
  if (runningHere >= MAX_COMPARES_PER_PLAN || state.running >= MAX_COMPARES) {
    return { ok: false, retryAfterSeconds: COMPARE_RETRY_AFTER_SECONDS };
  }
  state.runningByPlan.set(planId, runningHere + 1);
  state.running += 1;
  try {
    return { ok: true, value: await work() };
  } finally {
    state.running -= 1;
    const left = (state.runningByPlan.get(planId) ?? 1) - 1;
    if (left > 0) state.runningByPlan.set(planId, left);
    else state.runningByPlan.delete(planId);
  }
}

/**
 * The result for `key` (which must name the exact inputs: see comparisonKey) from the cache,
 * from a computation of it already running, or computed now within the bounds.
 */
export async function cachedComparison<T>(planId: string, key: string, compute: () => Promise<T>): Promise<Bounded<T>> {
  if (state.results.has(key)) {
    const value = state.results.get(key) as T;
    // Most recently used last: the Map's order is the LRU order.
    state.results.delete(key);
    state.results.set(key, value);
    return { ok: true, value };
  }
  const running = state.inFlight.get(key) as Promise<T> | undefined;
  if (running) return { ok: true, value: await running };
  let computation: Promise<T> | undefined;
  const bounded = await runBounded(planId, () => {
    computation = compute();
    state.inFlight.set(key, computation);
    return computation;
  }).finally(() => {
    if (computation && state.inFlight.get(key) === computation) state.inFlight.delete(key);
  });
  if (bounded.ok) {
    state.results.set(key, bounded.value);
    while (state.results.size > CACHED_RESULTS) state.results.delete(state.results.keys().next().value!);
  }
  return bounded;
}

/** The last stored update of the plan: who wrote and who deleted what (plan_clients,
 * plan_deletions) changes only with a stored update, so it stands for the attribution.
 * Compaction deletes the rows it folds but keeps the last one's id and every answer. */
export async function lastStoredUpdateId(planId: string): Promise<number> {
  const [row, compacted] = await Promise.all([
    getDb()
      .selectFrom("plan_updates")
      .select(sql<number | null>`max(id)`.as("last"))
      .where("plan_id", "=", planId)
      .executeTakeFirst(),
    getDb().selectFrom("plan_documents").select("through_update_id").where("plan_id", "=", planId).executeTakeFirst(),
  ]);
  return Math.max(Number(row?.last ?? 0), compacted?.through_update_id ?? 0);
}
