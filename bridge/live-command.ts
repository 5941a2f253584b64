/**
 * `timbrescope live`: analyse a capture device (PortAudio) or a file played like one, and send
 * the results to OSC targets, WebSocket clients (with the UI on http://127.0.0.1:PORT/) and an
 * activity log. This is the bridge's composition root: it lives in bridge/ because it assembles
 * the bridge's sinks and server around the pipeline in src/ (src/ never imports bridge/).
 *
 * The model is pluggable: registerLive takes `scorerFor(modelDir)`, which returns a ScorerSpec the
 * scorer worker can import (see src/pipeline/scorer.ts). bridge/cli.ts wires the real Classifier.
 */
import type { Command } from "commander";
import { FileSource } from "../src/audio/file-source.js";
import { PortAudioSource } from "../src/audio/portaudio-source.js";
import type { AudioSource } from "../src/audio/source.js";
import { MAX_PER_CHANNEL } from "../src/audio/windower.js";
import { DEFAULT_POST_CONFIG, loadPostConfig } from "../src/config/triggers.js";
import { UserError } from "../src/errors.js";
import { DEFAULT_MEL_PARAMS } from "../src/features/params.js";
import { log } from "../src/log.js";
import { LivePipeline } from "../src/pipeline/live.js";
import type { LiveSummary } from "../src/pipeline/live.js";
import { windowCount } from "../src/pipeline/offline.js";
import type { PipelineStatus } from "../src/pipeline/frame.js";
import type { LiveControl } from "../src/pipeline/post-stage.js";
import type { ScorerSpec } from "../src/pipeline/scorer.js";
import { JsonlSink } from "../src/sinks/jsonl-sink.js";
import type { Sink } from "../src/sinks/sink.js";
import { OscSink, parseOscTarget } from "./osc-sink.js";
import { BridgeServer } from "./server.js";
import { WsSink } from "./ws-sink.js";
import { planLive } from "../src/cli/live-options.js";
import type { LiveFlags, LivePlan } from "../src/cli/live-options.js";

/** What the composition root supplies. */
export interface LiveCliDeps {
  /** Turns --model DIR into a scorer the worker can load. Default: an error saying none is wired. */
  readonly scorerFor?: (modelDir: string) => ScorerSpec | Promise<ScorerSpec>;
  /** Called once the run is up (tests: server URL, OSC port, pipeline handle). */
  readonly onStarted?: (run: LiveRun) => void;
  /** Install SIGINT/SIGTERM handlers that stop the run cleanly. Default true. */
  readonly handleSignals?: boolean;
}

/** A started live run, as handed to onStarted. */
export interface LiveRun {
  readonly pipeline: LivePipeline;
  readonly server: BridgeServer | undefined;
  readonly osc: OscSink | undefined;
}

const HELP_AFTER = `
Sources: --device ID|NAME (see \`timbrescope devices\`) or --input FILE played at real time
(--realtime, default), as fast as the model allows (--fast), or forever (--loop).
Outputs: OSC bundles to every --osc HOST:PORT (/timbrescope/activity/<class> f,
/timbrescope/active/<class> i, /timbrescope/trigger/<rule> i; /timbrescope/ch/<n>/... with
--per-channel), OSC control on --osc-in PORT, the UI and WebSocket on http://127.0.0.1:PORT/
(--port 0: any free port; --no-server: none), an activity log with --record FILE.jsonl.

Examples:
  $ timbrescope live --model models/cnn --input song.flac --osc 127.0.0.1:9000 --port 8080
  $ timbrescope live --model models/cnn --device "USB Audio" --channels 1,2 --per-channel --record set.jsonl
`;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Registers `live` on `program`. */
export function registerLive(program: Command, deps: LiveCliDeps = {}): void {
  program
    .command("live")
    .description("analyse live input (or a file played like it) and stream activity over OSC, WebSocket and a log")
    .requiredOption("--model <dir>", "model directory (model.json + manifest.json)")
    .option("--device <id|name>", "capture device id or name (default: the system's default input)")
    .option("--channels <list>", "input channels to use, from 1, e.g. 1,2 (default: first two of a device, all of a file)")
    .option("--rate <hz>", "device sample rate (default: the device's default)")
    .option("--input <file>", "play an audio file instead of capturing")
    .option("--realtime", "play --input at real time (default)")
    .option("--fast", "play --input as fast as the model scores (every window is scored)")
    .option("--loop", "repeat --input forever")
    .option("--hop <sec>", "seconds between 1 s windows; 1 = non-overlapping (the paper)", "0.25")
    .option("--osc <host:port>", "send OSC bundles here (repeatable)", collect, [])
    .option("--osc-in <port>", "listen for OSC control messages on 127.0.0.1:PORT")
    .option("--port <n>", "HTTP + WebSocket port on 127.0.0.1 (0 = any free port)", "8080")
    .option("--no-server", "do not serve the UI / WebSocket")
    .option("--record <file.jsonl>", "append every frame to this activity log")
    .option("--triggers <file>", "smoothing, hysteresis and trigger rules (YAML/JSON; see config/triggers.example.yaml)")
    .option("--per-channel", "analyse each selected channel on its own (at most 8)")
    .option("--duration <sec>", "stop after this much audio")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: LiveFlags) => {
      await runLive(planLive(opts), deps);
    });
}

function noScorer(): never {
  throw new UserError("live: this build has no model loader wired in (registerLive needs scorerFor)");
}

async function openSource(plan: LivePlan): Promise<AudioSource> {
  if (plan.source.kind === "file") {
    return FileSource.open(plan.source.path, { pace: plan.source.pace, loop: plan.source.loop });
  }
  const channels = plan.channels === undefined ? undefined : Math.max(...plan.channels) + 1;
  return PortAudioSource.open({
    ...(plan.source.device === undefined ? {} : { device: plan.source.device }),
    ...(plan.source.rateHz === undefined ? {} : { sampleRateHz: plan.source.rateHz }),
    ...(channels === undefined ? {} : { channels }),
    // Per-channel mode analyses every channel of an interface (up to 8) unless --channels says otherwise.
    preferChannels: plan.perChannel ? MAX_PER_CHANNEL : 2,
  });
}

/** Logs trigger edges as they happen (what the user sees on the terminal). */
function triggerLogSink(): Sink {
  return {
    name: "log",
    write: (e) => {
      if (e.type !== "frame") return;
      const ch = e.frame.channel === null ? "" : ` (channel ${e.frame.channel + 1})`;
      for (const t of e.frame.triggers) log.info(`trigger ${t.rule} ${t.edge} at ${t.tSec.toFixed(2)} s${ch}`);
    },
    close: () => Promise.resolve(),
  };
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : "-");

function statusLine(s: PipelineStatus): string {
  const l = s.latencyMs;
  return `status: ${s.windowsScored} windows, ${s.droppedWindows} dropped, ${s.xruns} xruns, latency p50 ${ms(l.p50)} ms p95 ${ms(l.p95)} ms, cpu ${s.cpuPercent}%`;
}

async function runLive(plan: LivePlan, deps: LiveCliDeps): Promise<void> {
  const post = plan.triggers === undefined ? DEFAULT_POST_CONFIG : await loadPostConfig(plan.triggers);
  const scorer = await (deps.scorerFor ?? noScorer)(plan.modelDir);
  const targets = plan.oscTargets.map(parseOscTarget);
  const source = await openSource(plan);
  let pipeline: LivePipeline | undefined;
  const control = (cmd: LiveControl): void => {
    if (pipeline === undefined) throw new UserError("the pipeline is not running yet");
    pipeline.control(cmd);
  };
  const sinks: Sink[] = [triggerLogSink()];
  const jsonl = plan.record === undefined ? undefined : await JsonlSink.open(plan.record);
  if (jsonl !== undefined) sinks.push(jsonl);
  const osc = targets.length > 0 || plan.oscInPort !== undefined
    ? await OscSink.open({ targets, onControl: control, ...(plan.oscInPort === undefined ? {} : { listenPort: plan.oscInPort }) })
    : undefined;
  if (osc !== undefined) sinks.push(osc);
  const ws = plan.port === undefined ? undefined : new WsSink({
    onControl: control,
    state: () => ({ ...(pipeline?.state() ?? { thresholds: [], muted: [] }), recording: jsonl === undefined ? null : !jsonl.isPaused }),
  });
  if (ws !== undefined) sinks.push(ws);
  let server: BridgeServer | undefined;
  try {
    if (ws !== undefined && plan.port !== undefined) server = await BridgeServer.start({ port: plan.port }, ws);
    pipeline = await LivePipeline.start({
      source, scorer: scorer, sinks, hopSec: plan.hopSec, post,
      channelMode: { kind: plan.perChannel ? "per-channel" : "mix", ...(plan.channels === undefined ? {} : { channels: plan.channels }) },
      overflow: plan.source.kind === "file" && plan.source.pace === "fast" ? "wait" : "drop",
      onStatus: (() => {
        let n = 0;
        return (s: PipelineStatus) => (++n % 10 === 0 ? log.info(statusLine(s)) : log.debug(statusLine(s)));
      })(),
      ...(jsonl === undefined ? {} : { onRecord: (on: boolean) => jsonl.setPaused(!on) }),
      ...(plan.durationSec === undefined ? {} : { stopAfterWindows: Math.max(1, windowCount(Math.floor(plan.durationSec * DEFAULT_MEL_PARAMS.sampleRateHz), plan.hopSec)) }),
    });
    const s = pipeline.session;
    log.info(`live: model ${s.modelId}; ${s.source.kind} ${s.source.name} at ${s.inputRateHz} Hz, ${s.source.channels} ch` +
      ` -> ${s.lanes[0] === null ? "mix" : `${s.lanes.length} channels`}, ${s.windowSec} s windows every ${s.hopSec} s`);
    if (targets.length > 0) log.info(`live: OSC to ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
    if (plan.oscInPort !== undefined) log.info(`live: OSC control on 127.0.0.1:${plan.oscInPort}`);
    if (server !== undefined) log.info(`live: UI and WebSocket on ${server.url}`);
    if (plan.record !== undefined) log.info(`live: recording to ${plan.record}`);
    deps.onStarted?.({ pipeline, server, osc });
    const summary = await waitForEnd(pipeline, deps.handleSignals ?? true);
    log.info(summaryLine(summary));
  } finally {
    await server?.close();
    if (pipeline === undefined) {
      await source.stop();
      await Promise.all(sinks.map((k) => k.close()));
    }
  }
}

async function waitForEnd(p: LivePipeline, handleSignals: boolean): Promise<LiveSummary> {
  if (!handleSignals) return p.done;
  const onSignal = (): void => {
    log.info("live: stopping");
    void p.stop();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await p.done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function summaryLine(s: LiveSummary): string {
  const l = s.latencyMs;
  const drops = s.sinks.filter((k) => k.dropped > 0).map((k) => `${k.name} ${k.dropped}`).join(", ");
  return `live: done: ${s.windowsScored} windows scored, ${s.droppedWindows} dropped, ${s.xruns} xruns; latency p50 ${ms(l.p50)} ms, ` +
    `p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms${drops === "" ? "" : `; sink drops: ${drops}`}`;
}
