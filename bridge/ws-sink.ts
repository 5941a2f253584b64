/**
 * WebSocket output (protocol v1, bridge/protocol.ts) to any number of clients, and control input
 * from them.
 *
 * A slow client never stalls the pipeline or the other clients: each client's backlog is what
 * `ws` has not yet handed to the kernel (`bufferedAmount`). While it exceeds `maxBufferedBytes`
 * the client's frames are dropped and counted (it is told how many in every status message);
 * hello, trigger, status and ack messages still go out (they are small and rare). A client that
 * drops `maxDropsInARow` frames in a row, or whose backlog passes 4 x maxBufferedBytes, is
 * disconnected (close code 1008 after terminate, so a dead TCP peer cannot hold memory).
 */
import type { WebSocket } from "ws";
import { oneLine } from "../src/errors.js";
import { log } from "../src/log.js";
import type { Frame, PipelineStatus, SessionInfo } from "../src/frame.js";
import type { ControlHandler, LiveControl } from "../src/pipeline/post-stage.js";
import type { Sink, SinkEvent } from "../src/sinks/sink.js";
import { PROTOCOL_VERSION, parseClientMessage } from "./protocol.js";
import type { AckMessage, ClientMessage, FrameMessage, Hello, ServerMessage, StatusMessage, TriggerMessage } from "./protocol.js";
import { definedFields } from "../src/defined-fields.js";

/** Run-time state a hello reports besides the session. */
export interface LiveState {
  readonly thresholds: readonly number[];
  readonly muted: readonly boolean[];
  /** null when there is no --record file. */
  readonly recording: boolean | null;
  /** OSC destinations, "host:port" (hello.oscTargets). */
  readonly oscTargets?: readonly string[];
  /** The --record file as given (hello.recordFile). */
  readonly recordFile?: string;
  /** Ballistics in effect for all classes, seconds (hello.smoothing). */
  readonly smoothing?: { readonly attackSec: number; readonly releaseSec: number };
  /** The hop in effect when it differs from the session's (after set-hop). */
  readonly hopSec?: number;
}

/** Options for {@link WsSink}. */
export interface WsSinkOptions {
  /** Backlog above which a client's frames are dropped, bytes. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Consecutive dropped frames after which a client is disconnected. Default 400 (~100 s at 4 frames/s). */
  readonly maxDropsInARow?: number;
  /** Applies control messages; without it every control message is answered with an error. */
  readonly onControl?: ControlHandler;
  /** Current thresholds / mutes / recording for hello (default: the session's thresholds). */
  readonly state?: () => LiveState;
  /**
   * Changes the hop, seconds (control "set-hop"); throws UserError when it cannot. Without it,
   * set-hop is answered with an error and hello.controls does not list it.
   */
  readonly onHop?: (hopSec: number) => void;
  /** OSC control messages refused so far, reported next to this sink's own count in status.badMessages. */
  readonly oscBadMessages?: () => number;
}

interface Client {
  readonly socket: WebSocket;
  dropped: number;
  dropsInARow: number;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
const r6 = (x: number): number => Number(x.toPrecision(6));

function frameMessage(fr: Frame): FrameMessage {
  return {
    v: PROTOCOL_VERSION,
    type: "frame",
    seq: fr.seq,
    lane: fr.lane,
    channel: fr.channel,
    index: fr.index,
    startSample: fr.startSample,
    sampleRateHz: fr.sampleRateHz,
    captureTimeMs: num(fr.captureTimeMs),
    raw: Array.from(fr.raw, r6),
    smoothed: Array.from(fr.smoothed, r6),
    active: Array.from(fr.active),
  };
}

/** The command a control message asks for (the message minus v and id). */
function toControl(m: Exclude<ClientMessage, { type: "set-hop" }>): LiveControl {
  switch (m.type) {
    case "set-threshold":
      return { type: m.type, label: m.label, value: m.value };
    case "mute":
      return { type: m.type, label: m.label, muted: m.muted };
    case "record":
      return { type: m.type, on: m.on };
    case "set-smoothing":
      return { type: m.type, attackSec: m.attackSec, releaseSec: m.releaseSec, ...definedFields({ label: m.label }) };
  }
}

/** Broadcasts pipeline events to WebSocket clients. */
export class WsSink implements Sink {
  readonly name = "ws";
  private readonly clients = new Set<Client>();
  private session: SessionInfo | undefined;
  private closed = false;
  private readonly maxBuffered: number;
  private readonly maxDrops: number;
  /** Frames dropped for slow clients, all clients, since start. */
  droppedTotal = 0;
  /** Clients disconnected for being too slow. */
  disconnectedSlow = 0;
  /** Control messages refused (invalid JSON, schema, binary frames), all clients, since start. */
  badMessages = 0;

  constructor(private readonly opts: WsSinkOptions = {}) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
    this.maxDrops = opts.maxDropsInARow ?? 400;
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over a newly connected socket: sends hello (if the session started) and listens for control. */
  attach(socket: WebSocket): void {
    if (this.closed) {
      socket.close(1001, "shutting down");
      return;
    }
    const client: Client = { socket, dropped: 0, dropsInARow: 0 };
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on("error", (err) => log.debug(`ws client: ${oneLine(err)}`));
    socket.on("message", (data, isBinary) =>
      this.onMessage(
        client,
        isBinary
          ? null
          : Buffer.isBuffer(data)
            ? data.toString("utf8")
            : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8"),
      ),
    );
    if (this.session !== undefined) this.send(client, this.hello(this.session));
  }

  write(event: SinkEvent): void {
    if (this.closed) return;
    if (event.type === "session") {
      this.session = event.session;
      for (const c of this.clients) this.send(c, this.hello(event.session));
    } else if (event.type === "frame") {
      const fm = JSON.stringify(frameMessage(event.frame));
      for (const c of this.clients) this.sendFrame(c, fm);
      for (const t of event.frame.triggers) {
        const tm: TriggerMessage = {
          v: PROTOCOL_VERSION,
          type: "trigger",
          rule: t.rule,
          edge: t.edge,
          lane: event.frame.lane,
          channel: event.frame.channel,
          startSample: event.frame.startSample,
          sampleRateHz: event.frame.sampleRateHz,
          captureTimeMs: num(event.frame.captureTimeMs),
        };
        for (const c of this.clients) this.send(c, tm);
      }
    } else {
      for (const c of this.clients) this.send(c, this.statusMessage(event.status, c));
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const c of this.clients) c.socket.close(1001, "shutting down");
    this.clients.clear();
    return Promise.resolve();
  }

  /** Sends a fresh hello to every client (after a change hello reports, e.g. the hop). */
  rehello(): void {
    const s = this.session;
    if (s === undefined) return;
    for (const c of this.clients) this.send(c, this.hello(s));
  }

  private hello(s: SessionInfo): Hello {
    const st: LiveState = this.opts.state?.() ?? { thresholds: s.thresholds, muted: s.labels.map(() => false), recording: null };
    const controls: ClientMessage["type"][] =
      this.opts.onControl === undefined
        ? []
        : ["set-threshold", "set-smoothing", "mute", ...(st.recording === null ? [] : ["record" as const])];
    if (this.opts.onHop !== undefined) controls.push("set-hop");
    return {
      v: PROTOCOL_VERSION,
      type: "hello",
      labels: s.labels,
      classIds: s.classIds,
      modelId: s.modelId,
      sampleRateHz: s.sampleRateHz,
      inputRateHz: s.inputRateHz,
      hopSec: st.hopSec ?? s.hopSec,
      windowSec: s.windowSec,
      source: s.source,
      lanes: s.lanes,
      rules: s.rules,
      // state() can run before the run's handle exists (the session reaches the sinks while it is
      // being started) and then knows no thresholds; one per label is what hello promises.
      thresholds: st.thresholds.length === s.labels.length ? st.thresholds : s.thresholds,
      muted: st.muted.length === s.labels.length ? st.muted : s.labels.map(() => false),
      recording: st.recording,
      controls,
      ...definedFields({ oscTargets: st.oscTargets, recordFile: st.recordFile, smoothing: st.smoothing }),
    };
  }

  private statusMessage(s: PipelineStatus, c: Client): StatusMessage {
    const l = s.latencyMs;
    return {
      v: PROTOCOL_VERSION,
      type: "status",
      device: s.device,
      xruns: s.xruns,
      droppedWindows: s.droppedWindows,
      windowsScored: s.windowsScored,
      latencyMs: { p50: num(l.p50), p95: num(l.p95), p99: num(l.p99), max: num(l.max), count: l.count },
      inferenceMsP50: num(s.inferenceMsP50),
      numTensors: s.numTensors,
      cpuPercent: s.cpuPercent,
      droppedMessages: c.dropped,
      sinks: s.sinks,
      badMessages: { osc: this.opts.oscBadMessages?.() ?? 0, ws: this.badMessages },
    };
  }

  private sendFrame(c: Client, text: string): void {
    if (c.socket.readyState !== c.socket.OPEN) return;
    const backlog = c.socket.bufferedAmount;
    if (backlog > 4 * this.maxBuffered || c.dropsInARow >= this.maxDrops) {
      this.disconnectedSlow++;
      this.clients.delete(c);
      log.warn(`ws: disconnecting a client that is not reading (backlog ${backlog} bytes, ${c.dropped} frames dropped)`);
      c.socket.terminate();
      return;
    }
    if (backlog > this.maxBuffered) {
      c.dropped++;
      c.dropsInARow++;
      this.droppedTotal++;
      return;
    }
    c.dropsInARow = 0;
    c.socket.send(text);
  }

  private send(c: Client, m: ServerMessage): void {
    if (c.socket.readyState === c.socket.OPEN) c.socket.send(JSON.stringify(m));
  }

  private onMessage(c: Client, text: string | null): void {
    const parsed = parseClientMessage(text ?? "<binary>");
    const id = parsed.ok ? (parsed.value.id ?? null) : null;
    const ack = (error?: string): AckMessage =>
      error === undefined ? { v: 1, type: "ack", id, ok: true } : { v: 1, type: "ack", id, ok: false, error };
    if (!parsed.ok) {
      this.badMessages++;
      this.send(c, ack(parsed.error));
      return;
    }
    const m = parsed.value;
    if (m.type === "set-hop" && this.opts.onHop === undefined) {
      this.send(c, ack("changing the hop is not available on this bridge; restart live with --hop SEC"));
      return;
    }
    if (m.type !== "set-hop" && this.opts.onControl === undefined) {
      this.send(c, ack("control is not available on this bridge"));
      return;
    }
    try {
      if (m.type === "set-hop") this.opts.onHop?.(m.hopSec);
      else this.opts.onControl?.(toControl(m));
      this.send(c, ack());
    } catch (err) {
      this.send(c, ack(oneLine(err)));
    }
  }
}
