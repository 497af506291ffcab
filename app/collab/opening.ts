// A plan's opening as the server sends it (app/models/plan-opening.server.ts): its compacted
// state's document as ProseMirror JSON, and that state. Four bytes give the JSON's length.
import type { JSONContent } from "@tiptap/core";

export interface PlanOpening {
  /** The document the state holds, as the browser's binding builds it. */
  content: JSONContent;
  /** The Yjs state (an update) the content was read from. */
  state: Uint8Array;
}

export function encodeOpening(contentJson: Uint8Array, state: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4 + contentJson.byteLength + state.byteLength);
  new DataView(out.buffer).setUint32(0, contentJson.byteLength);
  out.set(contentJson, 4);
  out.set(state, 4 + contentJson.byteLength);
  return out;
}

/** Throws on bytes that are not an opening. */
export function decodeOpening(bytes: Uint8Array): PlanOpening {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + length > bytes.byteLength) throw new Error("truncated plan opening");
  const content = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as JSONContent;
  return { content, state: bytes.subarray(4 + length) };
}

/** Where the plan's opening is served (app/routes/api.plans.$planId.opening.tsx). */
export function openingUrl(planId: string): string {
  return `/api/plans/${encodeURIComponent(planId)}/opening`;
}

/** The plan's opening from the server, or null (none stored yet, or it could not be read). The
 * plan page preloads it (same URL, same credentials), so this usually takes what has arrived. */
function fetchPlanOpening(planId: string): Promise<PlanOpening | null> {
  return fetch(openingUrl(planId), { credentials: "same-origin" })
    .then(async (response) => (response.status === 200 ? decodeOpening(new Uint8Array(await response.arrayBuffer())) : null))
    .catch(() => null);
}

let early: { planId: string; opening: Promise<PlanOpening | null> } | undefined;

/** Asks for the plan's opening now, before the page's code has loaded (entry.client.tsx). */
export function fetchPlanOpeningEarly(planId: string): void {
  early = { planId, opening: fetchPlanOpening(planId) };
}

/** The plan's opening: the one asked for early, or asked for now. */
export function takePlanOpening(planId: string): Promise<PlanOpening | null> {
  const asked = early;
  early = undefined;
  return asked?.planId === planId ? asked.opening : fetchPlanOpening(planId);
}
