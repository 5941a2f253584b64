/**
 * `timbrescope live`: analyse a capture device (PortAudio) or a file played like one, and send
 * the results to OSC targets, WebSocket clients (with the UI on http://127.0.0.1:PORT/) and an
 * activity log. This is the bridge's composition root: it lives in bridge/ because it assembles
 * the bridge's sinks and server around the pipeline in src/ (src/ never imports bridge/).
 *
 * The model is pluggable: registerLive takes `scorerFor(modelDir)`, which returns a ScorerSpec the
 * scorer thread can import (see src/pipeline/mel-scorer.ts). bridge/cli.ts wires the real Classifier.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { FileSource } from "../src/audio/file-source.js";
import { PortAudioSource } from "../src/audio/portaudio-source.js";
import type { DeviceEvent, Naudiodon } from "../src/audio/portaudio-source.js";
import type { AudioSource } from "../src/audio/source.js";
import { MAX_PER_CHANNEL } from "../src/audio/windower.js";
import { confineRecordPath, isLoopback, planAccess, timestampedRecordName } from "../src/config/bridge-access.js";
import type { AccessFlags, AccessPolicy } from "../src/config/bridge-access.js";
import { DEFAULT_HOP_SEC } from "../src/config/hop.js";
import { DEFAULT_POST_CONFIG, loadPostConfig } from "../src/config/post-config.js";
import { definedFields } from "../src/defined-fields.js";
import { UserError } from "../src/errors.js";
import { DEFAULT_MEL_PARAMS } from "../src/features/params.js";
import { log } from "../src/log.js";
import { LivePipeline } from "../src/pipeline/live.js";
import type { LiveSummary } from "../src/pipeline/live.js";
import type { ScorerSpec } from "../src/pipeline/mel-scorer.js";
import { DEFAULT_MODEL_DIR, MODEL_FILES } from "../src/model/model-files.js";
import { INFERENCE_BACKEND_HELP } from "../src/model/scorer-spec.js";
import type { ScorerEngineOptions } from "../src/model/scorer-spec.js";
import { JsonlSink } from "../src/sinks/jsonl-sink.js";
import { StatusLog } from "../src/sinks/status-log.js";
import type { Sink } from "../src/sinks/sink.js";
import { deviceReporter, statusReporter, summaryLine, triggerLogSink } from "./live-reports.js";
import type { OscSink } from "./osc-sink.js";
import type { BridgeServer } from "./server.js";
import type { WsSink } from "./ws-sink.js";
import { planLive } from "../src/cli/live-options.js";
import type { LiveFlags, LivePlan } from "../src/cli/live-options.js";

/** What the composition root supplies. */
export interface LiveCliDeps {
  /** Turns --model DIR (default models/default) into a scorer the worker can load. Default: an error saying none is wired. */
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
  $ timbrescope live --input song.flac --osc 127.0.0.1:9000 --port 8080
  $ timbrescope live --model models/cnn --device "USB Audio" --channels 1,2 --per-channel --record set.jsonl
`;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Registers `live` on `program`. */
export function registerLive(program: Command, deps: LiveCliDeps = {}): void {
  program
    .command("live")
    .description("analyse live input (or a file played like it) and stream activity over OSC, WebSocket and a log")
    .option("--model <dir>", `model directory (model.json + manifest.json; default: ${DEFAULT_MODEL_DIR})`)
    .option("--backend <name>", INFERENCE_BACKEND_HELP, "auto")
    .option("--device <id|name>", "capture device id or name (default: the system's default input)")
    .option("--channels <list>", "input channels to use, from 1, e.g. 1,2 (default: first two of a device, all of a file)")
    .option("--rate <hz>", "device sample rate (default: the device's default)")
    .option("--input <file>", "play an audio file instead of capturing")
    .option("--realtime", "play --input at real time (default)")
    .option("--fast", "play --input as fast as the model scores (every window is scored)")
    .option("--loop", "repeat --input forever")
    .option("--hop <sec>", "seconds between 1 s windows; 1 = non-overlapping (the paper)", String(DEFAULT_HOP_SEC.live))
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
    .option(
      "--record-dir <dir>",
      "record files must lie in this folder (without --record: a new timestamped file, record off until turned on)",
    )
    .option("--status-log <file.jsonl>", "append one health line per second: RSS, heap, latency, numTensors, drops, bad messages")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: LiveFlags & BridgeFlags) => {
      const plan = planLive(opts);
      if (opts.model === undefined && !existsSync(join(plan.modelDir, MODEL_FILES.topology))) {
        throw new UserError(`no model at ${plan.modelDir}: pass --model DIR (a folder with model.json and manifest.json)`);
      }
      const access = planAccess(accessFlags(opts), deps.env ?? process.env);
      const record = recordPlan(plan, opts.recordDir);
      const bridge = { access, recordPaused: record?.paused ?? false, statusLog: opts.statusLog };
      await runLive({ ...plan, ...definedFields({ record: record?.path }) }, bridge, deps);
    });
}

function accessFlags(o: BridgeFlags): AccessFlags {
  return definedFields({ host: o.host, token: o.token, allowOrigin: o.allowOrigin, oscAllow: o.oscAllow });
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

function noScorer(): never {
  throw new UserError("live: this build has no model loader wired in (registerLive needs scorerFor)");
}

/** An opened source, and where to report its device's losses (nowhere for a file). */
interface OpenedSource {
  readonly source: AudioSource;
  readonly watchDevice: (listener: (e: DeviceEvent) => void) => void;
}

async function openSource(plan: LivePlan, deps: LiveCliDeps): Promise<OpenedSource> {
  if (plan.source.kind === "file") {
    return {
      source: await FileSource.open(plan.source.path, { pace: plan.source.pace, loop: plan.source.loop }),
      watchDevice: () => undefined,
    };
  }
  const channels = plan.channels === undefined ? undefined : Math.max(...plan.channels) + 1;
  const source = await PortAudioSource.open({
    ...definedFields({ naudiodon: deps.naudiodon, device: plan.source.device, sampleRateHz: plan.source.rateHz, channels }),
    // Per-channel mode analyses every channel of an interface (up to 8) unless --channels says otherwise.
    preferChannels: plan.perChannel ? MAX_PER_CHANNEL : 2,
  });
  return { source, watchDevice: (listener) => source.watchDevice(listener) };
}

/** One line per output saying where the run sends what. */
function announce(
  pipeline: LivePipeline,
  plan: LivePlan,
  bridge: BridgeSettings,
  server: BridgeServer | undefined,
  targets: readonly { host: string; port: number }[],
): void {
  const s = pipeline.session;
  const { access } = bridge;
  log.info(
    `live: model ${s.modelId}${pipeline.engine === null ? "" : ` on ${pipeline.engine}`}; ${s.source.kind} ${s.source.name} at ${s.inputRateHz} Hz, ${s.source.channels} ch` +
      ` -> ${s.lanes[0] === null ? "mix" : `${s.lanes.length} channels`}, ${s.windowSec} s windows every ${s.hopSec} s`,
  );
  if (targets.length > 0) log.info(`live: OSC to ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
  if (plan.oscInPort !== undefined) {
    const from = access.oscAllow.length > 0 ? `loopback and ${access.oscAllow.join(", ")}` : "loopback only";
    log.info(`live: OSC control on ${oscListenHost(access.host)}:${plan.oscInPort} (from ${from})`);
  }
  if (server !== undefined)
    log.info(`live: UI and WebSocket on ${server.url}${access.token === undefined ? "" : " (token required: open it with ?token=...)"}`);
  if (plan.record !== undefined)
    log.info(`live: recording to ${plan.record}${bridge.recordPaused ? " (off until a record control message turns it on)" : ""}`);
  if (bridge.statusLog !== undefined) log.info(`live: health log in ${bridge.statusLog}`);
}

/**
 * The composition root, in dependency order: source -> activity and health logs -> pipeline
 * (created, not started) -> OSC and WebSocket sinks, whose controls go straight to the pipeline ->
 * server -> attach the sinks -> start. Whatever was opened is closed again if a later step fails.
 */
async function runLive(plan: LivePlan, bridge: BridgeSettings, deps: LiveCliDeps): Promise<void> {
  const post = plan.triggers === undefined ? DEFAULT_POST_CONFIG : await loadPostConfig(plan.triggers);
  const scorer = await (deps.scorerFor ?? noScorer)(plan.modelDir, { backend: plan.backend });
  // The network modules (osc, ws) load when a run starts, not with every CLI command.
  const [{ OscSink, parseOscTarget }, { BridgeServer }, { WsSink }] = await Promise.all([
    import("./osc-sink.js"),
    import("./server.js"),
    import("./ws-sink.js"),
  ]);
  const targets = plan.oscTargets.map(parseOscTarget);
  const { access } = bridge;
  const { source, watchDevice } = await openSource(plan, deps);
  let jsonl: JsonlSink | undefined;
  let statusLog: StatusLog | undefined;
  let pipeline: LivePipeline | undefined;
  let osc: OscSink | undefined;
  let ws: WsSink | undefined;
  let server: BridgeServer | undefined;
  let started = false;
  try {
    jsonl = plan.record === undefined ? undefined : await JsonlSink.open(plan.record, { paused: bridge.recordPaused });
    statusLog = bridge.statusLog === undefined ? undefined : await StatusLog.open(bridge.statusLog);
    watchDevice(deviceReporter(source.info.name, source.info.sampleRateHz, jsonl));
    const activityLog = jsonl;
    const oscBad = (): number => (osc === undefined ? 0 : osc.badMessages + osc.refusedSources);
    const p = (pipeline = await LivePipeline.create({
      source,
      scorer,
      hopSec: plan.hopSec,
      post,
      channelMode: { kind: plan.perChannel ? "per-channel" : "mix", ...definedFields({ channels: plan.channels }) },
      overflow: plan.source.kind === "file" && plan.source.pace === "fast" ? "wait" : "drop",
      onStatus: statusReporter(source, statusLog, () => ({ osc: oscBad(), ws: ws?.badMessages ?? 0 })),
      ...definedFields({
        onRecord: activityLog === undefined ? undefined : (on: boolean) => activityLog.setPaused(!on),
        // At least one window: --duration under 1 s still scores the first.
        stopAfterSamples:
          plan.durationSec === undefined
            ? undefined
            : Math.max(DEFAULT_MEL_PARAMS.windowSamples, Math.floor(plan.durationSec * DEFAULT_MEL_PARAMS.sampleRateHz)),
      }),
    }));
    osc =
      targets.length > 0 || plan.oscInPort !== undefined
        ? await OscSink.open({
            targets,
            onControl: p.control,
            allowSources: access.oscAllow,
            ...(plan.oscInPort === undefined ? {} : { listenPort: plan.oscInPort, listenHost: oscListenHost(access.host) }),
          })
        : undefined;
    const oscTargets = targets.map((t) => `${t.host}:${t.port}`);
    ws =
      plan.port === undefined
        ? undefined
        : new WsSink({
            oscBadMessages: oscBad,
            onControl: p.control,
            onHop: (hopSec) => {
              p.setHop(hopSec);
              log.info(`live: hop now ${p.session.hopSec} s`);
              ws?.rehello();
            },
            state: () => ({
              ...p.state(),
              hopSec: p.session.hopSec,
              recording: activityLog === undefined ? null : !activityLog.isPaused,
              oscTargets,
              ...definedFields({ recordFile: plan.record }),
            }),
          });
    if (ws !== undefined && plan.port !== undefined) server = await BridgeServer.start({ port: plan.port, access }, ws);
    p.attach(...[triggerLogSink(), jsonl, osc, ws].filter((k): k is Sink => k !== undefined));
    await p.start();
    started = true;
    announce(p, plan, bridge, server, targets);
    deps.onStarted?.({ pipeline: p, server, osc });
    const summary = await waitForEnd(p, deps.handleSignals ?? true);
    log.info(summaryLine(summary));
  } finally {
    await server?.close();
    if (!started) {
      // Not started (or failed to start): stop() releases the worker and the attached sinks; sinks close idempotently.
      await (pipeline === undefined ? source.stop() : pipeline.stop().catch(() => undefined));
      await Promise.all([jsonl?.close(), osc?.close(), ws?.close()]);
    }
    await statusLog?.close();
    if (jsonl?.error !== undefined) log.error(`live: the activity log ${plan.record ?? ""} stopped early: ${jsonl.error}`);
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
