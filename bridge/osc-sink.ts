/**
 * OSC output and control input over UDP: the ONLY file that imports `osc`.
 *
 * One bundle per frame, time-tagged with the capture time of the window's last sample (a past
 * time, so receivers such as liblo deliver it at once), holding for every class
 *   /timbrescope/activity/<class> f   smoothed score in [0, 1]
 *   /timbrescope/active/<class>   i   1 active, 0 not (after hysteresis and mutes)
 * and for every rule edge on that frame
 *   /timbrescope/trigger/<rule>   i   1 enter, 0 exit.
 * In per-channel mode each lane's bundle uses /timbrescope/ch/<n>/... with n the 1-based input
 * channel. About once a second: /timbrescope/status/{xruns,dropped} i, /timbrescope/status/latency f
 * (p95, ms). <class> is the class id (drums, clean-guitar, male-singer...).
 *
 * Control input (when listening): /timbrescope/threshold/<class> f, /timbrescope/mute/<class> i,
 * /timbrescope/smoothing ff (attack, release seconds), /timbrescope/record i. Control datagrams
 * are accepted only from loopback sources and the `allowSources` addresses; anything else, and
 * every packet that does not decode or is not a valid control message, is counted
 * (`badMessages`, `refusedSources`) and ignored. Warnings are rate-limited (the first few one line
 * each, then one summary per 10 s), so a flood of garbage cannot flood the terminal or the CPU.
 * Packets are encoded once and sent with a plain dgram socket to every target; sending never
 * waits on a receiver.
 */
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import osc from "osc";
import type { OscArgument, OscBundle, OscMessage, OscPacket } from "osc";
import { oscSourceAllowed } from "../src/config/bridge-access.js";
import { UserError, oneLine } from "../src/errors.js";
import { log } from "../src/log.js";
import type { Frame, PipelineStatus, SessionInfo } from "../src/frame.js";
import type { ControlHandler, LiveControl } from "../src/pipeline/post-stage.js";
import type { Sink, SinkEvent } from "../src/sinks/sink.js";

/** Address prefix of everything sent and received. */
export const OSC_PREFIX = "/timbrescope";

/** A UDP destination. */
export interface OscTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT` or `PORT` (host 127.0.0.1).
 * @throws UserError naming the bad value
 */
export function parseOscTarget(text: string): OscTarget {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 1 && port <= 65535)) throw new UserError(`Expected --osc HOST:PORT with a port in 1..65535, got "${text}"`);
  return { host: m[1] ?? "127.0.0.1", port };
}

/** NTP time tag of an epoch-ms time (RFC 5905 era 0: seconds since 1900 + 2^-32 fractions). */
export function ntpTimeTag(epochMs: number): readonly [number, number] {
  const secs = epochMs / 1000;
  const whole = Math.floor(secs);
  return [whole + 2208988800, Math.min(2 ** 32 - 1, Math.round((secs - whole) * 2 ** 32))];
}

const f = (value: number): OscArgument => ({ type: "f", value });
const i = (value: number): OscArgument => ({ type: "i", value });
const msg = (address: string, ...args: OscArgument[]): OscMessage => ({ address, args });

/** The bundle of one frame (exported for tests and the README's address map). */
export function frameBundle(frame: Frame, session: SessionInfo): OscBundle {
  const base = frame.channel === null ? OSC_PREFIX : `${OSC_PREFIX}/ch/${frame.channel + 1}`;
  const packets: OscMessage[] = [];
  session.classIds.forEach((id, c) => {
    packets.push(msg(`${base}/activity/${id}`, f(frame.smoothed[c] ?? 0)));
    packets.push(msg(`${base}/active/${id}`, i(frame.active[c] ?? 0)));
  });
  for (const t of frame.triggers) packets.push(msg(`${base}/trigger/${t.rule}`, i(t.edge === "enter" ? 1 : 0)));
  const timeMs = Number.isFinite(frame.captureTimeMs) ? frame.captureTimeMs : Date.now();
  return { timeTag: { raw: ntpTimeTag(timeMs) }, packets };
}

function statusBundle(s: PipelineStatus): OscBundle {
  const p95 = Number.isFinite(s.latencyMs.p95) ? s.latencyMs.p95 : 0;
  return {
    timeTag: { raw: ntpTimeTag(Date.now()) },
    packets: [
      msg(`${OSC_PREFIX}/status/xruns`, i(s.xruns)),
      msg(`${OSC_PREFIX}/status/dropped`, i(s.droppedWindows)),
      msg(`${OSC_PREFIX}/status/latency`, f(p95)),
    ],
  };
}

/** Turns one received OSC message into a control command. @throws UserError when it is not one */
export function controlFromOsc(m: OscMessage): LiveControl {
  const parts = m.address.split("/").slice(1);
  const num = (k: number): number => {
    const a = m.args[k];
    const v = a?.type === "T" ? 1 : a?.type === "F" ? 0 : a?.value;
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new UserError(`${m.address}: expected a number argument ${k + 1}, got ${JSON.stringify(a ?? null)}`);
    return v;
  };
  if (`/${parts[0] ?? ""}` !== OSC_PREFIX) throw new UserError(`Expected an address under ${OSC_PREFIX}/, got ${m.address}`);
  const [what, label] = [parts[1], parts[2]];
  if (what === "threshold" && label !== undefined && parts.length === 3) return { type: "set-threshold", label, value: num(0) };
  if (what === "mute" && label !== undefined && parts.length === 3) return { type: "mute", label, muted: num(0) !== 0 };
  if (what === "smoothing" && parts.length <= 3) {
    const base = { type: "set-smoothing" as const, attackSec: num(0), releaseSec: num(1) };
    return label === undefined ? base : { ...base, label };
  }
  if (what === "record" && parts.length === 2) return { type: "record", on: num(0) !== 0 };
  throw new UserError(`Unknown OSC control address ${m.address}`);
}

function* messagesOf(p: OscPacket): Generator<OscMessage> {
  if ("address" in p) yield p;
  else for (const q of p.packets) yield* messagesOf(q);
}

/** Largest control datagram decoded, bytes; a control message is tens of bytes. */
export const MAX_CONTROL_PACKET_BYTES = 4096;

/**
 * Logs the first `burst` problems one line each, then at most one summary per `everyMs` with the
 * count and the latest message (a flood of bad input must not become a flood of log lines).
 */
export class RateLimitedWarner {
  private shown = 0;
  private suppressed = 0;
  private lastSummaryMs = 0;
  private latest = "";

  constructor(
    private readonly prefix: string,
    private readonly burst = 3,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string): void {
    if (this.shown < this.burst) {
      this.shown++;
      log.warn(`${this.prefix}: ${message}`);
      if (this.shown === this.burst) this.lastSummaryMs = this.now();
      return;
    }
    this.suppressed++;
    this.latest = message;
    const t = this.now();
    if (t - this.lastSummaryMs >= this.everyMs) this.flush(t);
  }

  /** Logs the pending summary, if any. */
  flush(t = this.now()): void {
    if (this.suppressed === 0) return;
    log.warn(`${this.prefix}: ${this.suppressed} more bad message(s) since the last report (latest: ${this.latest})`);
    this.suppressed = 0;
    this.lastSummaryMs = t;
  }
}

/** Options for {@link OscSink.open}. */
export interface OscSinkOptions {
  /** Where bundles go (may be empty when only listening). */
  readonly targets: readonly OscTarget[];
  /** Listen for control input on this UDP port of `listenHost` (default: do not listen). */
  readonly listenPort?: number;
  /** Address to bind. Default 127.0.0.1. */
  readonly listenHost?: string;
  /** Receives control commands (required to act on control input). */
  readonly onControl?: ControlHandler;
  /** Non-loopback source addresses whose control datagrams are accepted. Default none (loopback only). */
  readonly allowSources?: readonly string[];
}

/** Sends frames as OSC bundles; optionally receives control messages. */
export class OscSink implements Sink {
  readonly name: string;
  private session: SessionInfo | undefined;
  private closed = false;
  /** Packets that could not be encoded or sent. */
  sendErrors = 0;
  /** Control messages (or datagrams) refused: undecodable, oversized, unknown address, wrong types. */
  badMessages = 0;
  /** Control datagrams dropped because their source is not allowed. */
  refusedSources = 0;
  /** Control messages applied. */
  controlMessages = 0;
  private readonly warner = new RateLimitedWarner("OSC input");

  private constructor(
    private readonly socket: Socket,
    private readonly targets: readonly OscTarget[],
  ) {
    this.name = `osc:${targets.map((t) => `${t.host}:${t.port}`).join(",") || "listen-only"}`;
  }

  /** Binds the socket (the listen port, or an ephemeral one for sending only). */
  static async open(opts: OscSinkOptions): Promise<OscSink> {
    const socket = createSocket("udp4");
    const sink = new OscSink(socket, opts.targets);
    socket.on("error", (err) => {
      sink.sendErrors++;
      log.warn(`${sink.name}: ${oneLine(err)}`);
    });
    const allow = { oscAllow: opts.allowSources ?? [] };
    socket.on("message", (data, rinfo) => {
      if (oscSourceAllowed(rinfo.address, allow)) sink.receive(data, opts.onControl);
      else {
        sink.refusedSources++;
        sink.warner.warn(`refused a datagram from ${rinfo.address}:${rinfo.port} (not loopback or --osc-allow)`);
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(opts.listenPort ?? 0, opts.listenHost ?? "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new UserError(`Cannot listen for OSC on ${opts.listenHost ?? "127.0.0.1"}:${opts.listenPort ?? 0} (${oneLine(err)})`);
    });
    return sink;
  }

  /** The bound UDP port (the control input port when listening). */
  get port(): number {
    return this.socket.address().port;
  }

  write(event: SinkEvent): void {
    if (this.closed) return;
    if (event.type === "session") this.session = event.session;
    else if (event.type === "frame" && this.session !== undefined) this.send(frameBundle(event.frame, this.session));
    else if (event.type === "status") this.send(statusBundle(event.status));
  }

  private send(packet: OscPacket): void {
    let bytes: Uint8Array;
    try {
      bytes = osc.writePacket(packet, { metadata: true });
    } catch (err) {
      this.sendErrors++;
      log.warn(`${this.name}: cannot encode a packet (${oneLine(err)})`);
      return;
    }
    for (const t of this.targets) {
      this.socket.send(bytes, t.port, t.host, (err) => {
        if (err !== null && err !== undefined) this.sendErrors++;
      });
    }
  }

  private receive(data: Buffer, onControl: ControlHandler | undefined): void {
    if (this.closed) return;
    if (data.length > MAX_CONTROL_PACKET_BYTES) {
      this.badMessages++;
      this.warner.warn(`refused a ${data.length}-byte packet (control packets are at most ${MAX_CONTROL_PACKET_BYTES} bytes)`);
      return;
    }
    let packet: OscPacket;
    try {
      packet = osc.readPacket(new Uint8Array(data), { metadata: true });
    } catch (err) {
      this.badMessages++;
      this.warner.warn(`cannot decode a packet (${oneLine(err)})`);
      return;
    }
    let n = 0;
    for (const m of messagesOf(packet)) {
      // A bundle is one datagram: bound the work one datagram can cause.
      if (++n > 64) {
        this.badMessages++;
        this.warner.warn("a bundle with more than 64 messages; the rest is ignored");
        break;
      }
      try {
        const cmd = controlFromOsc(m);
        if (onControl === undefined) throw new UserError("OSC control input is not connected");
        onControl(cmd);
        this.controlMessages++;
      } catch (err) {
        this.badMessages++;
        this.warner.warn(oneLine(err));
      }
    }
    if (n === 0) {
      this.badMessages++;
      this.warner.warn("an empty bundle");
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.warner.flush();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
