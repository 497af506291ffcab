// Turns a run into docs/benchmarks.md (tables) and docs/benchmarks.json (everything).
import fs from "node:fs";
import type { Row } from "./scenarios";
import { SERVER_NAMES } from "./servers";
import type { ServerKind } from "./load/sim-client";

export interface ScenarioResult {
  name: string;
  title: string;
  rows: Row[];
}

interface Report {
  quick: boolean;
  command: string;
  startedAt: string;
  seconds: number;
  machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    node: string;
    os: string;
    commit: string;
    packages: Record<string, string>;
    services?: Record<string, string>;
  };
  results: ScenarioResult[];
}

interface Layout {
  what: string;
  columns: [key: string, label: string][];
  /** The figure compared with the peers, and whether smaller is better. */
  ratio?: { key: string; smallerIsBetter: boolean; better?: string };
  /** Rows are compared with Gotong's row that has the same value here. */
  groupBy?: string;
}

const LAYOUTS: Record<string, Layout> = {
  "fan-out": {
    what: "One plan, N users, 10% of them typing 5 single characters a second, each keystroke followed by a cursor (awareness) update. Latency runs from the typer's send to the receipt at every other user. Gotong's typers also ask for the durable \"Saved\" acknowledgement as the editor does; its latency is the last two columns.",
    columns: [
      ["users", "users"],
      ["p50Ms", "p50 ms"],
      ["p99Ms", "p99 ms"],
      ["deliveredPercent", "delivered %"],
      ["serverCpuPercent", "server CPU %"],
      ["serverPeakRssMb", "server peak RSS MB"],
      ["serverStartPeakRssMb", "peak RSS of the start MB"],
      ["loadCpuPercent", "load CPU %"],
      ["loadThreadBusyPercent", "busiest load thread %"],
      ["savedAckP50Ms", "Saved ack p50 ms"],
      ["savedAckP99Ms", "Saved ack p99 ms"],
    ],
    ratio: { key: "p99Ms", smallerIsBetter: true },
    groupBy: "users",
  },
  "fan-out-suggesting": {
    what: "The 100-page plan (100 sections, 600 paragraphs) with an open suggestion in every paragraph; N users, 10% of them partners who may only suggest, each typing 5 characters a second as a suggestion of their own, with cursor updates. Gotong proves every such update on its copy of the plan before it applies, stores and relays it (server/collab/suggestion-gate.ts); the peers relay the same updates without any check. Latency as in fan-out.",
    columns: [
      ["users", "users"],
      ["p50Ms", "p50 ms"],
      ["p99Ms", "p99 ms"],
      ["deliveredPercent", "delivered %"],
      ["serverCpuPercent", "server CPU %"],
      ["serverPeakRssMb", "server peak RSS MB"],
      ["loadCpuPercent", "load CPU %"],
      ["savedAckP50Ms", "Saved ack p50 ms"],
      ["savedAckP99Ms", "Saved ack p99 ms"],
    ],
    ratio: { key: "p99Ms", smallerIsBetter: true },
    groupBy: "users",
  },
  "many-plans": {
    what: "Many plans open at once, 5 users in each, one typist in every second plan (10% of users) at 5 keystrokes a second with cursor updates.",
    columns: [
      ["plans", "plans"],
      ["p50Ms", "p50 ms"],
      ["p99Ms", "p99 ms"],
      ["rssPerOpenPlanKb", "RSS per open plan KB"],
      ["serverCpuPercent", "server CPU %"],
      ["serverPeakRssMb", "server peak RSS MB"],
      ["loadCpuPercent", "load CPU %"],
    ],
    ratio: { key: "p99Ms", smallerIsBetter: true },
  },
  "cold-open": {
    what: "A plan built from 100,000 small updates by 20 authors (about 100 pages), stored the way each server stores it, opened on a freshly started server: time from connect to synced for the first user (document loaded from storage), and for the last of the users who then join one by one. Memory is the server's RSS above what it had before the plan opened: with everyone connected, after one of them edits, and after 3.5 s more without edits (Gotong's COLLAB_HIBERNATE_AFTER_MS is 2 s in this run, 60 s in production). y-websocket keeps documents only in memory, so it has no cold open.",
    columns: [
      ["storage", "storage"],
      ["firstSyncMs", "first user synced ms"],
      ["lastJoinerSyncMs", "last joiner ms"],
      ["joinerMedianMs", "joiners median ms"],
      ["clients", "users"],
      ["syncedBytes", "document bytes"],
      ["openPlanRssMb", "RSS of the open plan MB"],
      ["editedPlanRssMb", "after an edit MB"],
      ["idleAgainRssMb", "idle again MB"],
      ["documentsInMemoryWhenIdle", "Y.Docs in memory when idle"],
      ["afterLeaveRssMb", "RSS after all left MB"],
      ["openPlansAfterLeave", "plans open after all left"],
      ["serverPeakRssMb", "server peak RSS MB"],
    ],
    ratio: { key: "firstSyncMs", smallerIsBetter: true },
    groupBy: "_first",
  },
  "doc-heap": {
    what: 'The same 100-page plan: the heap its Y.Doc takes (measured with full garbage collections in a fresh Node), against its encoded state. A Gotong plan that nobody is changing holds only the encoded state: it is not built when people open it (they are sent the stored state), and it gives the Y.Doc back after COLLAB_HIBERNATE_AFTER_MS (60 s) without a change; the "Y.Docs in memory when idle" column above shows it. RSS, above, keeps the high-water mark of the heap and so does not fall when the Y.Doc goes.',
    columns: [
      ["encodedMb", "encoded state MB"],
      ["docHeapMb", "Y.Doc heap MB"],
      ["docTimesEncoded", "Y.Doc ÷ encoded"],
    ],
  },
  "join-storm": {
    what: "The 100-page plan open with one user; then the others connect within one second. Time from the first connect until every one has synced; each must receive the whole document.",
    columns: [
      ["clients", "users"],
      ["allSyncedMs", "all synced ms"],
      ["perClientP50Ms", "per user p50 ms"],
      ["perClientP99Ms", "per user p99 ms"],
      ["synced", "synced"],
      ["sameFullState", "all got the whole document"],
      ["serverCpuPercent", "server CPU %"],
      ["serverPeakRssMb", "server peak RSS MB"],
    ],
    ratio: { key: "allSyncedMs", smallerIsBetter: true },
  },
  writes: {
    what: '40 writers raise their rate step by step while 5 observers measure; the figure is the highest total rate of updates a second the server took with p99 latency at or under 100 ms. Every user receives every update, so at the top steps the load generator (its CPU is in the steps) can be the limit rather than the server. Gotong stores every one in SQLite before its "Saved"; Hocuspocus stores the whole document on its debounce (2 s after a change, at most every 10 s); y-websocket stores nothing.',
    columns: [
      ["maxUpdatesPerSecondUnder100msP99", "updates/s with p99 ≤ 100 ms"],
      ["updatesSent", "updates sent"],
      ["updatesStored", "updates stored (Gotong's count)"],
      ["serverPeakRssMb", "server peak RSS MB"],
      ["steps", "steps (offered, achieved, p99 ms, CPU)"],
    ],
    ratio: { key: "maxUpdatesPerSecondUnder100msP99", smallerIsBetter: false },
  },
  compare: {
    what: "Gotong only, in one process, no server: two versions of a 100-page plan (40 sections of 60 paragraphs, about 30,000 words) a day of editing apart: 5,000 keystroke runs by 10 people scattered over every paragraph, paragraphs added and removed, one section moved, one added, one removed ([bench/compare.ts](../bench/compare.ts)). The time to open both stored states as Y.Docs, then `comparePlans` (app/versions/compare.server.ts and its parts: sections, words, who changed what): its first run in a fresh process, then median and p95 of 20 runs after 3 warm-up runs. The goal in issue 12 is under 300 ms.",
    columns: [
      ["paragraphs", "paragraphs"],
      ["words", "words"],
      ["edits", "edits"],
      ["authors", "authors"],
      ["stateKb", "state KB"],
      ["openBothMs", "open both states ms"],
      ["firstCompareMs", "first compare ms"],
      ["compareP50Ms", "compare p50 ms"],
      ["compareP95Ms", "compare p95 ms"],
      ["changes", "changed runs"],
      ["wordsAdded", "words added"],
      ["wordsRemoved", "words removed"],
    ],
  },
  "docx-export": {
    what: "Gotong only, in one process, no server: a 100-page plan (40 sections of 60 paragraphs, about 30,000 words, and two action matrices of 25 rows; about 130 A4 pages in LibreOffice) exported to Word as `GET /plans/<id>/export.docx` does it ([bench/docx-export.ts](../bench/docx-export.ts)): the stored Yjs state read into the editor's schema, then the .docx written with the `docx` library (app/export/docx.server.ts). The first export in a fresh process, then median and p95 of 10 exports after 3 warm-up ones. The goal in issue 13 is under one second.",
    columns: [
      ["paragraphs", "paragraphs"],
      ["words", "words"],
      ["matrixRows", "matrix rows"],
      ["stateKb", "state KB"],
      ["docxKb", "docx KB"],
      ["readP50Ms", "read p50 ms"],
      ["firstExportMs", "first export ms"],
      ["exportP50Ms", "export p50 ms"],
      ["exportP95Ms", "export p95 ms"],
    ],
  },
  "instances-fan-out": {
    what: 'One plan, 100 users, 10 of them typing 5 single characters a second with a cursor update after each (as in 1), on one instance or spread over two that share their storage and one Redis ([bench/instances.ts](../bench/instances.ts), setups in [bench/README.md](../bench/README.md#several-instances)). Gotong: `build/server.js` on one PostgreSQL (fsync on, a fresh database per run), the two instances with `REDIS_URL` (an instance publishes what it stored on the plan\'s Redis channel after its commit; the other applies it and sends it on), the one instance without Redis; every user sends the cookie of one sign-in on the first instance. Hocuspocus: one instance as in 1, or two with @hocuspocus/extension-redis at its defaults on one Redis and the SQLite extension on one shared file. "Typers on both": users alternate between the instances, 5 typers on each. "Typers on A": all 10 on the first instance, so every receipt on the second crossed Redis ("same instance": the readers beside the typers; "other instance": the 50 on the second). Both servers pack what crosses Redis into fewer messages than were typed, so "delivered %" (messages) falls below 100 with nothing lost; two of the 100 users are probes that time every keystroke ("every keystroke", "keystrokes delivered"). CPU: the server processes summed, PostgreSQL (postmaster and backends), Redis, and the whole machine, other work included (100% is one core).',
    columns: [
      ["layout", "layout"],
      ["users", "users"],
      ["p50Ms", "p50 ms"],
      ["p99Ms", "p99 ms"],
      ["deliveredPercent", "delivered %"],
      ["keystrokeP50Ms", "every keystroke p50 ms"],
      ["keystrokeP99Ms", "every keystroke p99 ms"],
      ["keystrokesDeliveredPercent", "keystrokes delivered %"],
      ["localP50Ms", "same instance p50 ms"],
      ["localP99Ms", "same instance p99 ms"],
      ["crossP50Ms", "other instance p50 ms"],
      ["crossP99Ms", "other instance p99 ms"],
      ["crossDeliveredPercent", "other instance delivered %"],
      ["savedAckP99Ms", "Saved ack p99 ms"],
      ["serverCpuPercent", "servers CPU %"],
      ["postgresCpuPercent", "PostgreSQL CPU %"],
      ["redisCpuPercent", "Redis CPU %"],
      ["machineCpuPercent", "machine CPU %"],
      ["serverPeakRssMb", "peak RSS per instance MB"],
      ["loadThreadBusyPercent", "busiest load thread %"],
      ["p99TimesOneInstance", "p99 ÷ 1 instance"],
    ],
    ratio: { key: "p99Ms", smallerIsBetter: true },
    groupBy: "layout",
  },
  "instances-writes": {
    what: "Scenario 5 on one instance or two, set up as in 9: 40 writers (20 on each of two instances) raise their rate step by step while 5 observers (3 and 2; two of them probes timing every keystroke) measure; the figure is the highest total rate of updates a second the instances took together with p99 latency at or under 100 ms, both over every message at every user whichever instance they are on (as in 5) and over every keystroke at the probes: a message from the other instance can carry many keystrokes and is timed by its first, while the users' own instance sends them one by one, so the p99 of messages alone lets the many quick local ones hide the slow ones that crossed Redis. Unlike 5, a step over the bound is run once more before the climb ends (both are listed), since one busy moment on a shared machine would otherwise end it. Gotong stores every update in PostgreSQL before its \"Saved\" (the count is the instances' own, summed); Hocuspocus stores the whole document on its debounce, each instance after changes from its own users, under the Redis extension's lock. Both instances share the same two cores here, so this shows what the relay costs, not what a second machine would add.",
    columns: [
      ["layout", "layout"],
      ["maxUpdatesPerSecondUnder100msP99", "updates/s with p99 ≤ 100 ms"],
      ["rateTimesOneInstance", "÷ 1 instance"],
      ["updatesSent", "updates sent"],
      ["updatesStored", "updates stored (Gotong's count)"],
      ["serverPeakRssMb", "peak RSS per instance MB"],
      ["steps", "steps: offered→achieved (p99 of messages / of every keystroke; CPU of the servers, PostgreSQL, Redis, the whole machine)"],
    ],
    ratio: { key: "maxUpdatesPerSecondUnder100msP99", smallerIsBetter: false },
    groupBy: "layout",
  },
  start: {
    what: "Each server spawned as `npm start` runs it (Gotong: `build/server.js`, production settings) with only the environment that configures it, as a service manager starts it (this machine's shell sets NODE_EXTRA_CA_CERTS, whose certificates every Node process reads at its boot: about 40 ms of any server's start, before its own code), on storage that is already there, as after a deployment or a failover, and timed from spawn to its first 200: Gotong's `/healthz` (database reachable and migrated), the peers' only page. Then, once healthy, the CPU time the process has used (user + system from /proc, in 10 ms ticks: it does not depend on what else the machine runs, unlike the wall clock) and its RSS. Large plans: two plans of the 100,000-update history of scenario 3 (one as its update log, one compacted) and ten 100-page plans stored as one state; Hocuspocus holds the same documents in its table. \"First start\" is a new file: migrations and the demo plan (Gotong), the table (Hocuspocus). Every start is repeated (runs) and stopped with SIGTERM.",
    columns: [
      ["database", "storage"],
      ["storedMb", "stored MB"],
      ["runs", "runs"],
      ["healthyP50Ms", "healthy p50 ms"],
      ["healthyMinMs", "min ms"],
      ["healthyMaxMs", "max ms"],
      ["cpuP50Ms", "CPU to healthy p50 ms"],
      ["cpuMinMs", "CPU min ms"],
      ["rssMb", "RSS when healthy MB"],
    ],
  },
  store: {
    what: "Martin Kleppmann's automerge-paper editing trace (259,778 keystrokes: 182,315 characters typed, 77,463 deleted; bench/traces/README.md) typed into one plan by 20 people, each signed in with an account of their own, taking turns of 100 to 500 keystrokes; each line of the paper is a paragraph (a newline splits one, deleting it joins two). Every author's socket sends its run in updates of 10 keystrokes (so the run takes minutes, not hours), and the next turn starts once an observer has received the run (on Gotong, once it is also \"Saved\"). Then everyone leaves; Gotong unloads the plan, keeps a checkpoint and compacts; Hocuspocus stores the document. The store is the growth of the server's SQLite file over its empty one after a WAL checkpoint (the empty one already holds the 20 accounts; Gotong's growth includes their sessions, the checkpoint version it keeps on unload and who inserted and deleted what); per table with indexes from SQLite's dbstat. Then the server restarts on that file and a first reader syncs; both must give the trace's final text.",
    columns: [
      ["keystrokes", "keystrokes"],
      ["updates", "updates sent"],
      ["typingSeconds", "typing s"],
      ["storeKb", "store KB"],
      ["bytesPerKeystroke", "bytes per keystroke"],
      ["freeKb", "free pages KB"],
      ["byTable", "KB by table"],
      ["sameText", "final text as the trace's"],
      ["restartMs", "restart to listening ms"],
      ["firstSyncMs", "first reader synced ms"],
      ["syncedBytes", "document bytes"],
    ],
    ratio: { key: "storeKb", smallerIsBetter: true, better: "smaller" },
  },
  app: {
    what: "Gotong only (the peers have no pages): the plan page of the 100-page plan, fetched with a session cookie; then in Chromium the time from navigation until the editor is editable with the whole plan shown, and the time from a key press to the next painted frame while 20 other users type in the plan. The plan has an open comment thread (a comment and a reply) on every sixth paragraph, their cards beside the text. The second row: the same plan with an open suggestion in every paragraph as well (their cards beside the text), the 20 others partners whose typing is suggestions. While typing: the tab's main thread busy time per second (Chrome's TaskDuration), and of it scripts and style and layout, per second of the typing; less noisy than the latency percentiles, and what the tab costs a laptop. The tab's memory after the typing: its JavaScript heap and the number of elements (Chrome's Performance.getMetrics).",
    columns: [
      ["openThreads", "open threads"],
      ["openSuggestions", "open suggestions"],
      ["pages", "pages"],
      ["pageKb", "page KB"],
      ["ttfbP50Ms", "TTFB p50 ms"],
      ["ttfbP99Ms", "TTFB p99 ms"],
      ["fullLoadP50Ms", "full page p50 ms"],
      ["editableP50Ms", "editable p50 ms"],
      ["editableMaxMs", "editable max ms"],
      ["keystrokeToPaintP50Ms", "keystroke→paint p50 ms"],
      ["keystrokeToPaintP99Ms", "keystroke→paint p99 ms"],
      ["keystrokes", "keystrokes"],
      ["tabBusyMsPerS", "tab main thread busy ms/s while typing"],
      ["tabScriptMsPerS", "of it scripts ms/s"],
      ["tabStyleLayoutMsPerS", "of it style and layout ms/s"],
      ["tabJsHeapMb", "tab JS heap MB"],
      ["tabElements", "tab elements"],
    ],
  },
};

function cell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && value.startsWith("[")) {
    const steps = JSON.parse(value) as Row[];
    return steps
      .map((s) =>
        s.machineCpuPercent === undefined
          ? `${s.offered}→${s.achieved} (${s.p99Ms} ms, ${s.serverCpuPercent}%)`
          : `${s.offered}→${s.achieved} (${s.p99Ms} / ${s.keystrokeP99Ms} ms; ${[s.serverCpuPercent, s.postgresCpuPercent, s.redisCpuPercent, s.machineCpuPercent].map((c) => (c === null ? "–" : `${c}%`)).join(", ")})`,
      )
      .join("; ");
  }
  return String(value);
}

/** One scenario's section of docs/benchmarks.md: heading, what it measures, the table. */
export function scenarioMarkdown(result: ScenarioResult): string {
  const layout = LAYOUTS[result.name]!;
  const headers = ["server", ...layout.columns.map(([, label]) => label)];
  if (layout.ratio)
    headers.push(
      `Gotong ÷ this (${layout.ratio.key}${layout.ratio.smallerIsBetter ? `, < 1: Gotong ${layout.ratio.better ?? "faster"}` : ", > 1: Gotong more"})`,
    );
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const row of result.rows) {
    const cells = [SERVER_NAMES[row.server as ServerKind] ?? String(row.server), ...layout.columns.map(([key]) => cell(row[key]))];
    if (layout.ratio) {
      const ours = result.rows.find(
        (r) => r.server === "gotong" && (!layout.groupBy || layout.groupBy === "_first" || r[layout.groupBy] === row[layout.groupBy]),
      );
      const a = Number(ours?.[layout.ratio.key]);
      const b = Number(row[layout.ratio.key]);
      cells.push(row.server === "gotong" || !ours || !b ? "–" : (a / b).toFixed(2));
    }
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return `## ${result.title}\n\n${layout.what}\n\n${lines.join("\n")}\n`;
}

export function writeReport(report: Report): void {
  const m = report.machine;
  const packages = Object.entries(m.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const markdown = `# Benchmarks

Generated by \`${report.command}\` on ${report.startedAt} (${report.seconds} s, commit ${m.commit}); do not edit by hand.
The raw figures are in [benchmarks.json](benchmarks.json). What the harness does and how to read it: [bench/README.md](../bench/README.md).${report.quick ? "\n\n**This is a quick run** (fewer users, plans and seconds): rerun `npm run bench` for the full figures." : ""}

Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.os}, Node ${m.node}. Packages: ${packages}.${
    m.services && Object.keys(m.services).length > 0
      ? ` Several instances (9): ${Object.entries(m.services)
          .map(([name, version]) => `${name} ${version}`)
          .join(", ")} on loopback.`
      : ""
  }
Servers, each its own process on loopback, started fresh for every measurement:
Gotong (built server, SQLite with synchronous=FULL, a signed-in editor's session, "Saved" after commit);
Hocuspocus ${m.packages["@hocuspocus/server"]} on Node ${m.node} with @hocuspocus/extension-sqlite at its defaults;
the y-websocket ${m.packages["y-websocket (peer)"]} reference server (bin/utils), in memory.
The load generator runs in worker threads of the harness process; "load CPU %" is that process's CPU (200% is both cores).

${report.results.map(scenarioMarkdown).join("\n")}`;
  fs.mkdirSync("docs", { recursive: true });
  fs.writeFileSync("docs/benchmarks.md", markdown);
  fs.writeFileSync("docs/benchmarks.json", JSON.stringify(report, null, 2) + "\n");
}
