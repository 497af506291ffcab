// 6. The app: the plan page of a 100-page plan, served and then edited in Chromium while
// others type. Only Gotong has pages, so this scenario has no peers.
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../tests/helpers/browser";
import { DEMO } from "../tests/helpers/server";
import { demoUserId, prepareGotongDatabase, withOpenSuggestions, withOpenThreads, type History } from "./fixtures";
import type { LoadPool } from "./load/pool";
import { startBenchServer, tempDir } from "./servers";
import { sleep, summarise } from "./stats";
import type { Row } from "./scenarios";

const round = (value: number) => Number(value.toFixed(1));
/** Others typing in the plan meanwhile: 20, or `--typists=N` for a narrowed run. */
const typists = Number(process.argv.find((a) => a.startsWith("--typists="))?.slice("--typists=".length) ?? 20);

/**
 * With `suggesting`, the plan holds an open suggestion in every paragraph and the 20 others
 * are partners whose typing is suggestions (each proved by the server before it is applied).
 */
export async function appPage(pool: LoadPool, history: History, quick: boolean, suggesting = false): Promise<Row[]> {
  const dir = tempDir();
  let openSuggestions = 0;
  let partnerId: number | undefined;
  if (suggesting) {
    await prepareGotongDatabase(dir, []);
    partnerId = await demoUserId(dir, DEMO.commenter);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const suggested = withOpenSuggestions(history, partnerId);
    openSuggestions = suggested.openSuggestions;
    history = suggested;
  }
  // Open threads beside the text, as a plan under consultation has them.
  const commented = withOpenThreads(history);
  await prepareGotongDatabase(dir, [{ id: "big-plan", history: commented, compact: true, threads: commented.threads }]);
  const server = await startBenchServer("gotong", dir);
  let browser: Browser | undefined;
  try {
    const url = `${server.httpUrl}/plans/big-plan`;
    const headers = { cookie: server.cookie! };
    const ttfb: number[] = [];
    const full: number[] = [];
    let pageBytes = 0;
    for (let i = 0; i < (quick ? 5 : 20); i += 1) {
      const started = performance.now();
      const response = await fetch(url, { headers });
      ttfb.push(performance.now() - started);
      pageBytes = (await response.arrayBuffer()).byteLength;
      full.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`plan page answered ${response.status}`);
    }

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const [name, value] = server.cookie!.split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.httpUrl }]);
    const editable: number[] = [];
    const sections = 100;
    // `--profile`: where the page's time went from navigation to editable, on the last load.
    const isProfiling = process.argv.includes("--profile");
    for (let i = 0; i < (quick ? 2 : 5); i += 1) {
      const page = await context.newPage();
      const profilesLoad = isProfiling && i === (quick ? 1 : 4);
      const loadCdp = profilesLoad ? await context.newCDPSession(page) : undefined;
      if (loadCdp) {
        await loadCdp.send("Profiler.enable");
        await loadCdp.send("Profiler.setSamplingInterval", { interval: 100 });
        await loadCdp.send("Profiler.start");
      }
      await page.goto(url, { waitUntil: "commit" });
      // Editable: the editor takes input and shows the whole plan from the server.
      const at = await page.waitForFunction(
        (count) => {
          const editor = document.querySelector('.ProseMirror[contenteditable="true"]');
          return editor && editor.querySelectorAll("section.plan-section").length >= count ? performance.now() : false;
        },
        sections,
        { timeout: 30_000, polling: "raf" },
      );
      editable.push((await at.jsonValue()) as number);
      if (loadCdp) {
        const { profile } = await loadCdp.send("Profiler.stop");
        fs.mkdirSync("build/profiles", { recursive: true });
        fs.writeFileSync(`build/profiles/chromium-load-${suggesting ? "suggesting" : "plain"}.cpuprofile`, JSON.stringify(profile));
        await loadCdp.detach();
      }
      if (i < (quick ? 1 : 4)) await page.close();
    }

    // Keystroke to paint while 20 others type in the same plan.
    const others = await pool.connect(
      Array.from({ length: typists }, (_, i) => ({
        kind: "gotong" as const,
        url: server.wsUrl,
        docName: "big-plan",
        cookie: suggesting ? server.commenterCookie : server.cookie,
        typer: { index: i, section: 10 + i * 4, rate: 5, awareness: true, suggestAs: partnerId },
      })),
    );
    if (others.some((r) => r.error)) throw new Error(`the ${typists} typing users did not all connect`);
    await pool.typing(true);
    const page = context.pages().at(-1)!;
    await page.evaluate(() => {
      const w = window as unknown as { keyLatencies: number[] };
      w.keyLatencies = [];
      // From the key event to the first frame painted after it.
      document.addEventListener(
        "keydown",
        (event) => {
          const start = event.timeStamp;
          requestAnimationFrame(() => setTimeout(() => w.keyLatencies.push(performance.now() - start), 0));
        },
        true,
      );
    });
    await page.locator(".ProseMirror section.plan-section p").nth(3).click();
    await page.keyboard.press("End");
    const cdp = await context.newCDPSession(page);
    // `--profile`: where the page's time went while typing (bench/chromium-profile.mjs reads it).
    if (isProfiling) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await cdp.send("Profiler.start");
    }
    // `--trace`: a Chrome trace of the typing (style, layout, paint and scripts by name; bench/trace-summary.mjs).
    const isTracing = process.argv.includes("--trace");
    if (isTracing) {
      await browser.startTracing(page, {
        categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "v8.execute"],
      });
    }
    // The tab's main thread while typing among the others: busy time (tasks), and of it scripts
    // and style and layout, per second (Chrome's cumulative Performance metrics, in seconds).
    await cdp.send("Performance.enable");
    const busy = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return {
        at: performance.now(),
        task: value("TaskDuration"),
        script: value("ScriptDuration"),
        render: value("RecalcStyleDuration") + value("LayoutDuration"),
      };
    };
    const busyBefore = await busy();
    for (let i = 0; i < (quick ? 30 : 100); i += 1) {
      await page.keyboard.type(String.fromCharCode(97 + (i % 26)));
      await sleep(60);
    }
    await sleep(300);
    const busyAfter = await busy();
    const perSecond = (key: "task" | "script" | "render") =>
      round(((busyAfter[key] - busyBefore[key]) * 1000) / ((busyAfter.at - busyBefore.at) / 1000));
    if (isTracing) {
      fs.mkdirSync("build/profiles", { recursive: true });
      fs.writeFileSync(`build/profiles/chromium-keystrokes-${suggesting ? "suggesting" : "plain"}.trace.json`, await browser.stopTracing());
    }
    if (isProfiling) {
      const { profile } = await cdp.send("Profiler.stop");
      fs.mkdirSync("build/profiles", { recursive: true });
      fs.writeFileSync(`build/profiles/chromium-keystrokes-${suggesting ? "suggesting" : "plain"}.cpuprofile`, JSON.stringify(profile));
    }
    // The tab's memory after the typing: its JavaScript heap and the elements of the page.
    const { metrics } = await cdp.send("Performance.getMetrics");
    const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    const keyLatencies = await page.evaluate(() => (window as unknown as { keyLatencies: number[] }).keyLatencies);
    await pool.typing(false);
    await pool.closeClients();
    const keys = summarise(keyLatencies);
    const first = summarise(ttfb);
    const whole = summarise(full);
    const ready = summarise(editable);
    return [
      {
        server: "gotong",
        openSuggestions,
        openThreads: commented.threads.length,
        pages: Math.round(history.textLength / 3000),
        pageKb: Math.round(pageBytes / 1024),
        ttfbP50Ms: round(first.p50),
        ttfbP99Ms: round(first.p99),
        fullLoadP50Ms: round(whole.p50),
        editableP50Ms: round(ready.p50),
        editableMaxMs: round(ready.max),
        keystrokeToPaintP50Ms: round(keys.p50),
        keystrokeToPaintP99Ms: round(keys.p99),
        keystrokes: keys.count,
        tabBusyMsPerS: perSecond("task"),
        tabScriptMsPerS: perSecond("script"),
        tabStyleLayoutMsPerS: perSecond("render"),
        tabJsHeapMb: round(metric("JSHeapUsedSize") / 1024 ** 2),
        tabElements: metric("Nodes"),
      },
    ];
  } finally {
    await browser?.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
