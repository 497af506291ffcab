// Fetches from the versions API when the page opens (and again on `reload`), cancelling a
// request whose answer is no longer wanted.
import { useCallback, useEffect, useState } from "react";
import type { ApiResult } from "./api";

export type Loaded<T> =
  | { status: "loading" }
  /** `now`: when the answer arrived, for "5 minutes ago". */
  | { status: "ready"; value: T; now: number }
  | { status: "failed"; httpStatus: number; error: string | null };

/** `key` names what is loaded: a new key loads again. */
export function useApi<T>(key: string, load: (signal: AbortSignal) => Promise<ApiResult<T>>): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoaded({ status: "loading" });
    load(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setLoaded(
          result.ok
            ? { status: "ready", value: result.value, now: Date.now() }
            : { status: "failed", httpStatus: result.status, error: result.error },
        );
      },
      () => undefined, // aborted
    );
    return () => controller.abort();
    // `load` is a new function on every render; `key` says when it asks for something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return [loaded, reload];
}
