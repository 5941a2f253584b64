/**
 * The meter UI end to end in headless Chromium (Debian `chromium` + playwright-core): the bridge
 * (`live` with the deterministic stand-in model, a child process) plays a known scene at real time
 * and serves ui/dist; the page must show the meters moving, light the guitar-solo lamp at the
 * expected sample-clock time, and a threshold typed into the page must change the bridge's OSC
 * output (received here on a UDP socket). Saves test-artifacts/ui-e2e.png.
 *
 * Scene (48 kHz): drums + male singer 0-4 s, drums + distorted guitar 4-8.5 s, drums + singer
 * 8.5-10.5 s, and a quiet synth throughout (18 dB below the others: the stand-in scores it ~0.65-0.69,
 * active at the default threshold 0.5, inactive once the threshold is 0.95, off-level 0.855).
 */
import type { ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import osc from "osc";
import type { OscPacket } from "osc";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, wavBytes, writeFile } from "../helpers/audio-files.js";
import { classToneHz } from "../helpers/fake-scorer.js";
import { exited, spawnTs } from "../helpers/spawn-ts.js";

const UI_INDEX = join("ui", "dist", "index.html");
const ARTIFACT = join("test-artifacts", "ui-e2e.png");
const RATE = 48000;
const DRUMS = 0;
const SINGER = 2;
const GUITAR = 3;
const SYNTH = 5;

/** The scene as int16 samples (see the file comment); class c is a sine at the stand-in's tone for c. */
function scene(): Int32Array {
  const segments = [
    { sec: 4, classes: [DRUMS, SINGER] },
    { sec: 4.5, classes: [DRUMS, GUITAR] },
    { sec: 2, classes: [DRUMS, SINGER] },
  ];
  const out = new Int32Array(Math.round(segments.reduce((s, g) => s + g.sec, 0) * RATE));
  let seed = 5;
  let at = 0;
  for (const g of segments) {
    const n = Math.round(g.sec * RATE);
    for (let i = at; i < at + n; i++) {
      seed = (Math.imul(1664525, seed) + 1013904223) >>> 0;
      let v = 0.01 * ((2 * seed) / 2 ** 32 - 1);
      for (const c of g.classes) v += 0.3 * Math.sin((2 * Math.PI * classToneHz(c) * i) / RATE);
      v += 0.3 * 0.12 * Math.sin((2 * Math.PI * classToneHz(SYNTH) * i) / RATE);
      out[i] = Math.round(v * 32767);
    }
    at += n;
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .once("error", reject)
      .listen(0, "127.0.0.1", () => {
        const addr = s.address();
        s.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
      });
  });
}

/** Polls `pred` every 50 ms for at most `ms`. */
async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** One received OSC frame bundle: arrival time and its int/float values by address. */
interface Bundle {
  readonly atMs: number;
  readonly values: ReadonlyMap<string, number>;
}

function flatten(p: OscPacket, into: Map<string, number>): void {
  if ("packets" in p) for (const q of p.packets) flatten(q, into);
  else if (typeof p.args[0]?.value === "number") into.set(p.address, p.args[0].value);
}

const dir = tempDir("timbrescope-ui-e2e-");
let child: ChildProcess | undefined;
let childOut: { stdout: string; stderr: string } = { stdout: "", stderr: "" };
let browser: Browser | undefined;
let udp: Socket | undefined;

beforeAll(() => {
  if (!existsSync(UI_INDEX))
    throw new Error(
      `${UI_INDEX} is missing: build the UI first (npm run build:ui, i.e. vite build --config ui/vite.config.ts; npm install / npm ci do it in prepare)`,
    );
});

afterAll(async () => {
  await browser?.close();
  if (child !== undefined && child.exitCode === null) {
    child.kill("SIGTERM");
    const end = await Promise.race([exited(child), new Promise((r) => setTimeout(() => r("timeout"), 5000))]);
    if (end === "timeout") child.kill("SIGKILL");
  }
  udp?.close();
});

describe("meter UI in headless Chromium", () => {
  it("shows moving meters, lights the guitar-solo lamp on time, and a threshold set in the page changes the OSC output", async () => {
    const wav = writeFile(dir, "scene.wav", wavBytes({ sampleRateHz: RATE, encoding: "pcm16", channels: [scene()] }));
    const rec = join(dir, "rec.jsonl");

    const bundles: Bundle[] = [];
    udp = createSocket("udp4");
    udp.on("message", (msg) => {
      const values = new Map<string, number>();
      flatten(osc.readPacket(new Uint8Array(msg), { metadata: true }), values);
      if (values.has("/timbrescope/active/synth")) bundles.push({ atMs: Date.now(), values });
    });
    await new Promise<void>((resolve) => udp!.bind(0, "127.0.0.1", () => resolve()));
    const oscPort = udp.address().port;
    const httpPort = await freePort();
    const url = `http://127.0.0.1:${httpPort}/`;

    // The browser starts first, so the page is connected before the scene's first section is over.
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      timeout: 60_000,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));

    const started = spawnTs("test/helpers/live-child.ts", [
      "live",
      "--model",
      "fake",
      "--input",
      wav,
      "--realtime",
      "--loop",
      "--triggers",
      "config/triggers.example.yaml",
      "--osc",
      `127.0.0.1:${oscPort}`,
      "--port",
      String(httpPort),
      "--record",
      rec,
    ]);
    child = started.child;
    childOut = started.out;
    const serving = await until(
      async () =>
        await fetch(url).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
    );
    expect(serving, `bridge did not serve ${url}: ${childOut.stderr}`).toBe(true);

    await page.goto(url, { waitUntil: "load", timeout: 15_000 });
    await page.locator('[data-conn="open"]').waitFor({ timeout: 10_000 });

    const meter = (id: string) => page.locator(`[data-class="${id}"] [role="meter"]`);
    const level = async (id: string): Promise<number> => Number(await meter(id).getAttribute("aria-valuenow"));
    // Meters move: drums up at once; guitar first silent (singer section), then high in the solo.
    expect(await until(async () => (await level("drums")) > 0.9, 15_000), "drums meter never rose").toBe(true);
    const guitarBefore = await level("distorted-guitar");
    expect(await until(async () => (await level("distorted-guitar")) > 0.9, 15_000), "guitar meter never rose").toBe(true);
    expect(guitarBefore).toBeLessThan(0.2);
    expect(await page.locator('[data-class="distorted-guitar"]').getAttribute("data-active")).toBe("true");

    // The lamp lights; the log says when on the sample clock: the windows starting from ~3.75-4 s
    // hold guitar without singer (1 s windows), held 2 s (minActiveSec) -> enter at ~5.75-6 s.
    const lamp = page.locator('[data-rule="guitar-solo"].trigger-lamp');
    await page.locator('[data-rule="guitar-solo"].trigger-lamp[data-on="true"]').waitFor({ timeout: 15_000 });
    const enterAt = Number(
      await page.locator('.trigger-log li[data-rule="guitar-solo"][data-edge="enter"]').first().getAttribute("data-t"),
    );
    expect(enterAt).toBeGreaterThan(5.5);
    expect(enterAt).toBeLessThan(6.25);
    expect(await lamp.getAttribute("data-on")).toBe("true");

    // What the bridge reports back: its OSC target and the record file.
    expect(await page.locator(".osc-targets").textContent()).toContain(`127.0.0.1:${oscPort}`);
    expect(await page.locator(".controls .file").textContent()).toBe(rec);

    // Threshold change in the page -> the bridge stops reporting the synth active over OSC.
    expect(bundles.slice(-4).map((b) => b.values.get("/timbrescope/active/synth"))).toEqual([1, 1, 1, 1]);
    const input = page.locator('[data-class="synth"] input.threshold-input');
    await input.fill("0.95");
    await input.press("Enter");
    await page.getByText("synth threshold 0.95").waitFor({ timeout: 5_000 });
    const changedAt = Date.now();
    const off = await until(() => bundles.some((b) => b.atMs > changedAt && b.values.get("/timbrescope/active/synth") === 0), 5_000);
    expect(off, "OSC /timbrescope/active/synth stayed 1 after the threshold change").toBe(true);
    // and it stays off (score ~0.66 < 0.855), while drums stay on: the bundles of at least a second (4 at hop 0.25 s)
    // from 1 s after the change on (waiting for them, not a fixed delay: on a loaded machine the "off" bundle may come
    // late or early, and a fixed second after it may end before the next bundle)
    const settled = changedAt + 1000;
    const arrived = await until(() => bundles.filter((b) => b.atMs > settled).length >= 4, 10_000);
    expect(arrived, "fewer than 4 OSC bundles within 10 s after the threshold change").toBe(true);
    const after = bundles.filter((b) => b.atMs > settled);
    expect(after.every((b) => b.values.get("/timbrescope/active/synth") === 0 && b.values.get("/timbrescope/active/drums") === 1)).toBe(
      true,
    );
    await page.locator('[data-class="synth"][data-active="false"]').waitFor({ timeout: 3_000 });
    expect(await page.locator('[data-class="synth"] .track .threshold').getAttribute("style")).toContain("95");

    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    expect(problems).toEqual([]);
  });
});
