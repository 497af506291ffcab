// The suggestions JSON API as the integration tests call it (docs/suggestions.md, "Addresses"),
// signed in as a demo account of the file's server.
import { expect } from "vitest";
import { whenSynced, type TestClient } from "./clients";
import type { DemoServer } from "./demo-server";
import { planApi } from "./plan-api";
import type { DemoRole } from "./server";

export interface Suggestion {
  id: string;
  sectionId: string;
  status: "open" | "accepted" | "rejected" | "outdated";
  inserted: string;
  deleted: string;
  author: { name: string; organisation: string };
  createdAt: string;
  roundId?: number;
  resolvedBy?: { name: string; organisation: string };
  reason?: string;
  replies: { body: string; author: { name: string } }[];
}

export function suggestionsApi(demo: DemoServer) {
  const api = planApi(demo);

  async function suggestions(role: DemoRole = "viewer"): Promise<Suggestion[]> {
    const { status, json } = await api(role, "GET", "/suggestions");
    expect(status).toBe(200);
    return json.suggestions as Suggestion[];
  }

  async function suggestionById(id: string): Promise<Suggestion | undefined> {
    return (await suggestions()).find((suggestion) => suggestion.id === id);
  }

  /** Proposes `replaceWith` for the one occurrence of `find` in the section; its id. */
  async function suggest(sectionId: string, find: string, replaceWith: string, role: DemoRole = "commenter"): Promise<string> {
    const { status, json } = await api(role, "POST", "/suggestions", { sectionId, find, replaceWith });
    expect(status, JSON.stringify(json)).toBe(201);
    return json.id as string;
  }

  async function syncedClient(role: DemoRole): Promise<TestClient> {
    const client = demo.client(role);
    await whenSynced(client);
    return client;
  }

  return { api, suggestions, suggestionById, suggest, syncedClient };
}
