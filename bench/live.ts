/**
 * Live latency and CPU: `timbrescope live --input FILE --realtime --osc 127.0.0.1:PORT` runs as a
 * child; the bench listens on PORT and, for every frame bundle, measures arrival time minus the
 * bundle's OSC time tag, which the bridge sets to the capture time of the window's last sample —
 * i.e. "window complete -> OSC bundle sent", plus one loopback UDP hop, measured from outside the
 * process. With `wsClient`, the child also serves the bridge (`--port`) and the bench connects a
 * WebSocket client that parses every message, as the meter UI does. CPU share and peak RSS come
 * from /proc (all threads: windower, scorer worker, sinks).
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import type { LatencyFigure, LiveRunResult } from "./lib/schema.js";
import { cpuShareBetween, describeFailure, runChild } from "./lib/child.js";
import { median, percentile } from "./lib/stats.js";

/** Seconds between the NTP era (1900) and the Unix epoch (RFC 5905). */
const NTP_UNIX_OFFSET_SEC = 2208988800;

/** A parsed OSC bundle head: its time tag (epoch ms) and the first message's address. */
export interface BundleHead {
  readonly timeTagMs: number;
  readonly firstAddress: string;
}

/** Reads the time tag and first address of an OSC 1.0 bundle; undefined for anything else. */
export function parseBundleHead(buf: Uint8Array): BundleHead | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 24 || b.toString("latin1", 0, 8) !== "#bundle\0") return undefined;
  const secs = b.readUInt32BE(8);
  const frac = b.readUInt32BE(12);
  // Element 0: int32 size, then an OSC message starting with its NUL-terminated address.
  const start = 20;
  const end = b.indexOf(0, start);
  if (end < 0) return undefined;
  return { timeTagMs: (secs - NTP_UNIX_OFFSET_SEC + frac / 2 ** 32) * 1000, firstAddress: b.toString("latin1", start, end) };
}

/** p50/p95/p99/max of latencies in ms. */
export function latencyFigure(xs: readonly number[]): LatencyFigure {
  return {
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    p99: percentile(xs, 99),
    max: xs.length === 0 ? Number.NaN : Math.max(...xs),
    count: xs.length,
  };
}

/** Parses the pipeline's closing line ("live: done: N windows scored, D dropped, ...; latency p50 A ms, p95 B ms, p99 C ms"). */
export function parseLiveSummary(stderr: string): { dropped: number; p50: number; p95: number; p99: number } | undefined {
  const m = /(\d+) dropped.*latency p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(stderr);
  return m === null ? undefined : { dropped: Number(m[1]), p50: Number(m[2]), p95: Number(m[3]), p99: Number(m[4]) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Connects a WebSocket client, retrying while the child loads its model; parses every message. */
function connectWs(url: string, deadlineMs: number, onMessage: (m: unknown) => void): { close: () => void } {
  let ws: WebSocket | undefined;
  let stopped = false;
  const attempt = (): void => {
    if (stopped || performance.now() > deadlineMs) return;
    const s = new WebSocket(url);
    s.on("open", () => (ws = s));
    s.on("message", (data: Buffer) => onMessage(JSON.parse(data.toString("utf8")) as unknown));
    s.on("error", () => {
      if (ws !== s) setTimeout(attempt, 200);
    });
  };
  attempt();
  return {
    close: () => {
      stopped = true;
      ws?.close();
    },
  };
}

/** Options of {@link liveRun}. */
export interface LiveRunOptions {
  readonly cli: string;
  readonly modelDir: string;
  readonly file: string;
  readonly hopSec: number;
  readonly seconds: number;
  readonly wsClient: boolean;
  readonly label: string;
}

/** One live run; see the module comment. */
export async function liveRun(o: LiveRunOptions): Promise<LiveRunResult> {
  const rx = createSocket("udp4");
  await new Promise<void>((resolve) => rx.bind(0, "127.0.0.1", resolve));
  const latencies: number[] = [];
  let t0 = 0;
  let firstFrameMs = Number.NaN;
  let lastFrameMs = Number.NaN;
  rx.on("message", (msg) => {
    const now = performance.timeOrigin + performance.now();
    const head = parseBundleHead(msg);
    if (head === undefined || head.firstAddress.includes("/status/")) return;
    latencies.push(now - head.timeTagMs);
    const since = performance.now() - t0;
    if (Number.isNaN(firstFrameMs)) firstFrameMs = since;
    lastFrameMs = since;
  });
  const port = o.wsClient ? await freePort() : 0;
  let lastStatus: { p50: number; p95: number; p99: number } | undefined;
  const scorerMs: number[] = [];
  let ws: { close: () => void } | undefined;
  const args = [
    o.cli,
    "live",
    "--model",
    o.modelDir,
    "--input",
    o.file,
    "--realtime",
    "--hop",
    String(o.hopSec),
    "--duration",
    String(o.seconds),
    "--osc",
    `127.0.0.1:${rx.address().port}`,
    ...(o.wsClient ? ["--port", String(port)] : ["--no-server"]),
  ];
  t0 = performance.now();
  const r = await runChild(process.execPath, args, {
    timeoutMs: (o.seconds + 120) * 1000,
    onSpawn: () => {
      if (!o.wsClient) return;
      ws = connectWs(`ws://127.0.0.1:${port}/ws`, performance.now() + 60_000, (m) => {
        const msg = m as {
          type?: string;
          inferenceMsP50?: number | null;
          latencyMs?: { p50: number | null; p95: number | null; p99: number | null };
        };
        const l = msg.latencyMs;
        if (msg.type === "status" && typeof msg.inferenceMsP50 === "number") scorerMs.push(msg.inferenceMsP50);
        if (msg.type === "status" && l !== undefined && l.p50 !== null && l.p95 !== null && l.p99 !== null)
          lastStatus = { p50: l.p50, p95: l.p95, p99: l.p99 };
      });
    },
  });
  ws?.close();
  rx.close();
  if (r.code !== 0) throw new Error(describeFailure(`live (${o.label})`, r));
  const summary = parseLiveSummary(r.stderr);
  const own = o.wsClient ? (lastStatus ?? summary) : summary;
  // Skip the first second of frames: the scorer worker's first calls are slower (JIT, kernels).
  const cpuPercent = cpuShareBetween(r.samples, firstFrameMs + 1000, lastFrameMs);
  return {
    label: o.label,
    hopSec: o.hopSec,
    wsClient: o.wsClient,
    audioSec: o.seconds,
    oscLatencyMs: latencyFigure(latencies),
    pipelineLatencyMs: own === undefined ? null : { p50: own.p50, p95: own.p95, p99: own.p99 },
    scorerMsP50: scorerMs.length === 0 ? null : median(scorerMs),
    cpuPercent,
    peakRssMiB: r.peakRssKiB / 1024,
    droppedWindows: summary?.dropped ?? null,
  };
}
