#!/usr/bin/env node
// Live latency benchmark (issue 7): plays a file at real time through the live pipeline (worker
// scorer, post-processing, an OSC sink to a local UDP socket) and reports the latency from each
// window's last captured sample to its OSC bundle leaving: p50 / p95 / p99 / max.
//
//   npm run build && node bench/live-latency.mjs [--input FILE] [--seconds 20] [--hop 0.25]
//        [--scorer MODULE.js] [--options JSON] [--dist dist]
//
// Without --scorer it uses a stand-in that only reads its input (front-end + pipeline overhead).
// With the real model: --scorer <module exporting createScorer(options)> --options '{"modelDir":"models/cnn"}'.
import { createSocket } from "node:dgram";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    input: { type: "string", default: "assets/demo/demo-clip.flac" },
    seconds: { type: "string", default: "20" },
    hop: { type: "string", default: "0.25" },
    scorer: { type: "string" },
    options: { type: "string", default: "{}" },
    dist: { type: "string", default: "dist" },
  },
});
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = pathToFileURL(resolve(root, values.dist) + "/").href;
const { FileSource } = await import(new URL("src/audio/file-source.js", dist).href);
const { LivePipeline } = await import(new URL("src/pipeline/live.js", dist).href);
const { OscSink } = await import(new URL("bridge/osc-sink.js", dist).href);

let scorerModule = values.scorer === undefined ? undefined : resolve(values.scorer);
if (scorerModule === undefined) {
  const dir = resolve(root, "bench/out");
  mkdirSync(dir, { recursive: true });
  scorerModule = resolve(dir, "null-scorer.mjs");
  writeFileSync(scorerModule, `export function createScorer() {
  return { labels: Array.from({ length: 18 }, (_, i) => "class" + i), thresholds: new Array(18).fill(0.5), modelId: "null",
    async score(w, n) { const out = new Float32Array(n * 18); for (let i = 0; i < n; i++) out[i * 18] = w[i * 96 * 87] > -40 ? 1 : 0; return out; } };
}\n`);
}

const rx = createSocket("udp4");
await new Promise((r) => rx.bind(0, "127.0.0.1", r));
const osc = await OscSink.open({ targets: [{ host: "127.0.0.1", port: rx.address().port }] });
const source = await FileSource.open(resolve(values.input), { pace: "realtime", loop: true });
const hop = Number(values.hop);
const seconds = Number(values.seconds);
const windows = Math.floor((seconds - 1) / hop) + 1;
const p = await LivePipeline.start({
  source, scorer: { module: scorerModule, options: JSON.parse(values.options) }, sinks: [osc], hopSec: hop, stopAfterWindows: windows,
});
const s = await p.done;
rx.close();
const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : "-");
process.stdout.write(
  `${values.input} (${source.info.sampleRateHz} Hz, ${source.info.channels} ch), hop ${hop} s, ${s.windowsScored} windows, ${s.droppedWindows} dropped\n` +
    `latency ms: p50 ${f(s.latencyMs.p50)}  p95 ${f(s.latencyMs.p95)}  p99 ${f(s.latencyMs.p99)}  max ${f(s.latencyMs.max)}\n`,
);
