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
import type { DeviceEvent, Naudiodon } from "../src/audio/portaudio-source.js";
import type { AudioSource } from "../src/audio/source.js";
import { MAX_PER_CHANNEL } from "../src/audio/windower.js";
import { isIP } from "node:net";
import { confineRecordPath, isLoopback, planAccess, timestampedRecordName } from "../src/config/bridge-access.js";
import type { AccessFlags, AccessPolicy } from "../src/config/bridge-access.js";
import { DEFAULT_POST_CONFIG, loadPostConfig } from "../src/config/triggers.js";
import { UserError } from "../src/errors.js";
import { DEFAULT_MEL_PARAMS } from "../src/features/params.js";
import { log } from "../src/log.js";
import { LivePipeline } from "../src/pipeline/live.js";
import type { LiveSummary } from "../src/pipeline/live.js";
import type { PipelineStatus } from "../src/pipeline/frame.js";
import type { LiveControl } from "../src/pipeline/post-stage.js";
import type { ScorerSpec } from "../src/pipeline/scorer.js";
import { INFERENCE_BACKEND_HELP } from "../src/model/scorer-spec.js";
import type { ScorerEngineOptions } from "../src/model/scorer-spec.js";
import { JsonlSink } from "../src/sinks/jsonl-sink.js";
import { StatusLog, healthRecord } from "../src/sinks/status-log.js";
import type { Sink } from "../src/sinks/sink.js";
import type { OscSink } from "./osc-sink.js";
import type { BridgeServer } from "./server.js";
import type { WsSink } from "./ws-sink.js";
import { planLive } from "../src/cli/live-options.js";
import type { LiveFlags, LivePlan } from "../src/cli/live-options.js";

/** What the composition root supplies. */
export interface LiveCliDeps {
  /** Turns --model DIR into a scorer the worker can load. Default: an error saying none is wired. */
  readonly scorerFor?: (modelDir: string, engine: ScorerEngineOptions) => ScorerSpec | Promise<ScorerSpec>;
  /** Called once the run is up (tests: server URL, OSC port, pipeline handle). */
  readonly onStarted?: (run: LiveRun) => void;
  /** Install SIGINT/SIGTERM handlers that stop the run cleanly. Default true. */
  readonly handleSignals?: boolean;
  /** The PortAudio binding for --device (tests pass a simulated one). Default: naudiodon. */
  readonly naudiodon?: Naudiodon;
  /** Environment for TIMBRESCOPE_TOKEN. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The bridge's own flags (access, record folder, health log), next to src/cli/live-options.ts's. */
export interface BridgeFlags {
  host?: string;
  token?: string;
  allowOrigin?: string[];
  oscAllow?: string;
  recordDir?: string;
  statusLog?: string;
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

Access: the bridge listens on 127.0.0.1 unless --host says otherwise; any other address needs
--token (or TIMBRESCOPE_TOKEN), which browsers pass as http://HOST:PORT/?token=... . WebSocket
upgrades from pages of other origins are refused (--allow-origin adds one, e.g. a dev server);
OSC control is accepted from loopback and --osc-allow sources only; with --record-dir, record
files are confined to that folder. A lost capture device is retried with backoff and the gap is
marked in the activity log. --status-log writes memory, latency and counters once a second.

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
    .option("--backend <name>", INFERENCE_BACKEND_HELP, "auto")
    .option("--device <id|name>", "capture device id or name (default: the system's default input)")
    .option("--channels <list>", "input channels to use, from 1, e.g. 1,2 (default: first two of a device, all of a file)")
    .option("--rate <hz>", "device sample rate (default: the device's default)")
    .option("--input <file>", "play an audio file instead of capturing")
    .option("--realtime", "play --input at real time (default)")
    .option("--fast", "play --input as fast as the model scores (every window is scored)")
    .option("--loop", "repeat --input forever")
    .option("--hop <sec>", "seconds between 1 s windows; 1 = non-overlapping (the paper)", "0.25")
    .option("--osc <host:port>", "send OSC bundles here (repeatable)", collect, [])
    .option("--osc-in <port>", "listen for OSC control messages on PORT of --host (from loopback and --osc-allow sources)")
    .option("--port <n>", "HTTP + WebSocket port on --host, default 127.0.0.1 (0 = any free port)", "8080")
    .option("--no-server", "do not serve the UI / WebSocket")
    .option("--record <file.jsonl>", "append every frame to this activity log")
    .option("--triggers <file>", "smoothing, hysteresis and trigger rules (YAML/JSON; see config/triggers.example.yaml)")
    .option("--per-channel", "analyse each selected channel on its own (at most 8)")
    .option("--duration <sec>", "stop after this much audio")
    .option("--host <addr>", "address for HTTP/WebSocket and OSC control input (default 127.0.0.1; others need --token)")
    .option("--token <secret>", "shared secret clients must present (?token=, Bearer, cookie); default $TIMBRESCOPE_TOKEN")
    .option("--allow-origin <origin>", "also accept WebSocket connections from pages of this origin (repeatable)", collect, [])
    .option("--osc-allow <addrs>", "comma-separated source IPs allowed to send OSC control (loopback always is)")
    .option("--record-dir <dir>", "record files must lie in this folder (without --record: a new timestamped file, record off until turned on)")
    .option("--status-log <file.jsonl>", "append one health line per second: RSS, heap, latency, numTensors, drops, bad messages")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: LiveFlags & BridgeFlags) => {
      const plan = planLive(opts);
      const access = planAccess(accessFlags(opts), deps.env ?? process.env);
      const record = recordPlan(plan, opts.recordDir);
      const bridge = { access, recordPaused: record?.paused ?? false, statusLog: opts.statusLog };
      await runLive({ ...plan, ...(record === undefined ? {} : { record: record.path }) }, bridge, deps);
    });
}

function accessFlags(o: BridgeFlags): AccessFlags {
  return {
    ...(o.host === undefined ? {} : { host: o.host }),
    ...(o.token === undefined ? {} : { token: o.token }),
    ...(o.allowOrigin === undefined ? {} : { allowOrigin: o.allowOrigin }),
    ...(o.oscAllow === undefined ? {} : { oscAllow: o.oscAllow }),
  };
}

/** Where the activity log goes: --record (inside --record-dir when given), or a fresh file there. */
function recordPlan(plan: LivePlan, recordDir: string | undefined): { path: string; paused: boolean } | undefined {
  if (recordDir === undefined) return plan.record === undefined ? undefined : { path: plan.record, paused: false };
  if (plan.record !== undefined) return { path: confineRecordPath(recordDir, plan.record), paused: false };
  return { path: confineRecordPath(recordDir, timestampedRecordName()), paused: true };
}

/**
 * The UDP (IPv4) address OSC control binds for --host: 127.0.0.1 for any loopback form, all IPv4
 * interfaces for an IPv6 host (the OSC socket is IPv4; --osc-allow still filters the sources).
 */
function oscListenHost(host: string): string {
  if (isLoopback(host)) return "127.0.0.1";
  return isIP(host.replace(/^\[(.*)\]$/, "$1")) === 6 ? "0.0.0.0" : host;
}

/** Bridge settings beyond the plan. */
interface BridgeSettings {
  readonly access: AccessPolicy;
  /** Open the record file with recording off (--record-dir without --record). */
  readonly recordPaused: boolean;
  readonly statusLog: string | undefined;
}

/** Logs device events and marks them in the activity log. */
function deviceReporter(name: string, rateHz: number, jsonl: () => JsonlSink | undefined): (e: DeviceEvent) => void {
  return (e) => {
    if (e.type === "lost") {
      log.warn(`live: capture device ${name} lost (${e.reason}); retrying with backoff`);
      jsonl()?.note({ event: "lost", timeMs: e.timeMs, inputFrame: e.atFrame, inputRateHz: rateHz, reason: e.reason });
    } else if (e.type === "retry") {
      log.info(`live: capture device ${name} still unavailable (attempt ${e.attempt}: ${e.error})`);
    } else {
      log.warn(`live: capture device ${name} is back after ${(e.gapMs / 1000).toFixed(1)} s (${e.attempts} attempt(s)); the gap is marked in the activity log`);
      jsonl()?.note({ event: "resumed", timeMs: e.timeMs, inputFrame: e.atFrame, inputRateHz: rateHz, gapMs: Math.round(e.gapMs) });
    }
  };
}

function noScorer(): never {
  throw new UserError("live: this build has no model loader wired in (registerLive needs scorerFor)");
}

async function openSource(plan: LivePlan, deps: LiveCliDeps, onDeviceEvent: (name: string, rateHz: number) => (e: DeviceEvent) => void): Promise<AudioSource> {
  if (plan.source.kind === "file") {
    return FileSource.open(plan.source.path, { pace: plan.source.pace, loop: plan.source.loop });
  }
  const channels = plan.channels === undefined ? undefined : Math.max(...plan.channels) + 1;
  // The reporter needs the resolved device name, known only once the source is open.
  const hook: { report?: (e: DeviceEvent) => void } = {};
  const source = await PortAudioSource.open({
    ...(deps.naudiodon === undefined ? {} : { naudiodon: deps.naudiodon }),
    onDeviceEvent: (e) => hook.report?.(e),
    ...(plan.source.device === undefined ? {} : { device: plan.source.device }),
    ...(plan.source.rateHz === undefined ? {} : { sampleRateHz: plan.source.rateHz }),
    ...(channels === undefined ? {} : { channels }),
    // Per-channel mode analyses every channel of an interface (up to 8) unless --channels says otherwise.
    preferChannels: plan.perChannel ? MAX_PER_CHANNEL : 2,
  });
  hook.report = onDeviceEvent(source.info.name, source.info.sampleRateHz);
  return source;
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

async function runLive(plan: LivePlan, bridge: BridgeSettings, deps: LiveCliDeps): Promise<void> {
  const post = plan.triggers === undefined ? DEFAULT_POST_CONFIG : await loadPostConfig(plan.triggers);
  const scorer = await (deps.scorerFor ?? noScorer)(plan.modelDir, { backend: plan.backend });
  // The network modules (osc, ws) load when a run starts, not with every CLI command.
  const [{ OscSink, parseOscTarget }, { BridgeServer }, { WsSink }] = await Promise.all([import("./osc-sink.js"), import("./server.js"), import("./ws-sink.js")]);
  const targets = plan.oscTargets.map(parseOscTarget);
  let jsonl: JsonlSink | undefined;
  const source = await openSource(plan, deps, (name, rateHz) => deviceReporter(name, rateHz, () => jsonl));
  let pipeline: LivePipeline | undefined;
  // Ballistics for all classes, as hello reports them to UIs that connect later.
  let smoothing = { attackSec: post.smoothing.attackSec, releaseSec: post.smoothing.releaseSec };
  const control = (cmd: LiveControl): void => {
    if (pipeline === undefined) throw new UserError("the pipeline is not running yet");
    pipeline.control(cmd);
    if (cmd.type === "set-smoothing" && cmd.label === undefined) smoothing = { attackSec: cmd.attackSec, releaseSec: cmd.releaseSec };
  };
  const sinks: Sink[] = [triggerLogSink()];
  const { access } = bridge;
  let statusLog: StatusLog | undefined;
  let osc: OscSink | undefined;
  try {
    jsonl = plan.record === undefined ? undefined : await JsonlSink.open(plan.record, { paused: bridge.recordPaused });
    statusLog = bridge.statusLog === undefined ? undefined : await StatusLog.open(bridge.statusLog);
    osc = targets.length > 0 || plan.oscInPort !== undefined
      ? await OscSink.open({
        targets, onControl: control, allowSources: access.oscAllow,
        ...(plan.oscInPort === undefined ? {} : { listenPort: plan.oscInPort, listenHost: oscListenHost(access.host) }),
      })
      : undefined;
  } catch (err) {
    await Promise.all([source.stop(), jsonl?.close(), statusLog?.close(), osc?.close()]);
    throw err;
  }
  if (jsonl !== undefined) sinks.push(jsonl);
  if (osc !== undefined) sinks.push(osc);
  const oscSink = osc;
  const oscBad = (): number => (oscSink === undefined ? 0 : oscSink.badMessages + oscSink.refusedSources);
  const jsonlSink = jsonl;
  const setHop = (hopSec: number): void => {
    if (pipeline === undefined) throw new UserError("the pipeline is not running yet");
    pipeline.setHop(hopSec);
    log.info(`live: hop now ${pipeline.session.hopSec} s`);
    ws?.rehello();
  };
  const ws: WsSink | undefined = plan.port === undefined ? undefined : new WsSink({
    oscBadMessages: oscBad,
    onControl: control,
    onHop: setHop,
    state: () => ({
      ...(pipeline === undefined ? {} : { hopSec: pipeline.session.hopSec }),
      ...(pipeline?.state() ?? { thresholds: [], muted: [] }), recording: jsonl === undefined ? null : !jsonl.isPaused,
      oscTargets: targets.map((t) => `${t.host}:${t.port}`), smoothing, ...(plan.record === undefined ? {} : { recordFile: plan.record }),
    }),
  });
  if (ws !== undefined) sinks.push(ws);
  const health = (s: PipelineStatus): void => {
    const dev = source instanceof PortAudioSource ? { state: source.state, gaps: source.gaps } : { state: "ok", gaps: 0 };
    statusLog?.write(healthRecord(s, { osc: oscBad(), ws: ws?.badMessages ?? 0 }, dev));
  };
  let server: BridgeServer | undefined;
  try {
    if (ws !== undefined && plan.port !== undefined) server = await BridgeServer.start({ port: plan.port, access }, ws);
    pipeline = await LivePipeline.start({
      source, scorer: scorer, sinks, hopSec: plan.hopSec, post,
      channelMode: { kind: plan.perChannel ? "per-channel" : "mix", ...(plan.channels === undefined ? {} : { channels: plan.channels }) },
      overflow: plan.source.kind === "file" && plan.source.pace === "fast" ? "wait" : "drop",
      onStatus: (() => {
        let n = 0;
        return (s: PipelineStatus) => {
          health(s);
          if (++n % 10 === 0) log.info(statusLine(s));
          else log.debug(statusLine(s));
        };
      })(),
      ...(jsonlSink === undefined ? {} : { onRecord: (on: boolean) => jsonlSink.setPaused(!on) }),
      // At least one window: --duration under 1 s still scores the first.
      ...(plan.durationSec === undefined ? {} : { stopAfterSamples: Math.max(DEFAULT_MEL_PARAMS.windowSamples, Math.floor(plan.durationSec * DEFAULT_MEL_PARAMS.sampleRateHz)) }),
    });
    const s = pipeline.session;
    log.info(`live: model ${s.modelId}${pipeline.engine === null ? "" : ` on ${pipeline.engine}`}; ${s.source.kind} ${s.source.name} at ${s.inputRateHz} Hz, ${s.source.channels} ch` +
      ` -> ${s.lanes[0] === null ? "mix" : `${s.lanes.length} channels`}, ${s.windowSec} s windows every ${s.hopSec} s`);
    if (targets.length > 0) log.info(`live: OSC to ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
    if (plan.oscInPort !== undefined) {
      const from = access.oscAllow.length > 0 ? `loopback and ${access.oscAllow.join(", ")}` : "loopback only";
      log.info(`live: OSC control on ${oscListenHost(access.host)}:${plan.oscInPort} (from ${from})`);
    }
    if (server !== undefined) log.info(`live: UI and WebSocket on ${server.url}${access.token === undefined ? "" : " (token required: open it with ?token=...)"}`);
    if (plan.record !== undefined) log.info(`live: recording to ${plan.record}${bridge.recordPaused ? " (off until a record control message turns it on)" : ""}`);
    if (bridge.statusLog !== undefined) log.info(`live: health log in ${bridge.statusLog}`);
    deps.onStarted?.({ pipeline, server, osc });
    const summary = await waitForEnd(pipeline, deps.handleSignals ?? true);
    log.info(summaryLine(summary));
  } finally {
    await server?.close();
    if (pipeline === undefined) {
      await source.stop();
      await Promise.all(sinks.map((k) => k.close()));
    }
    await statusLog?.close();
    if (jsonlSink?.error !== undefined) log.error(`live: the activity log ${plan.record ?? ""} stopped early: ${jsonlSink.error}`);
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
