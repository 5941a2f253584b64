/**
 * WebSocket protocol v1 between the bridge and its clients (the UI imports only the types).
 *
 * Every message is one JSON text frame with `v: 1` and a `type`. Server -> client: `hello` once
 * on connect, then `frame` per analysed window and lane, `trigger` per rule edge, `status` about
 * once a second, and `ack` answering each control message. Client -> server (control): thresholds,
 * smoothing, mute, record on/off; each is validated here and answered with an `ack` (ok or the
 * one-line error). Unknown fields are rejected so typos do not silently do nothing.
 *
 * Additions within v1 are optional fields and new control types only (a v1 client that does not
 * know them keeps working): hello's `controls`, `oscTargets`, `recordFile`, `smoothing`; the
 * `set-hop` control.
 *
 * Times: `startSample` on the analysis clock (`sampleRateHz`, 22050), `captureTimeMs` the epoch-ms
 * wall clock at which the window's last sample was captured (null when unknown).
 */
import { isHopSec } from "../src/config/hop.js";

/** Protocol version carried by every message. */
export const PROTOCOL_VERSION = 1;

export interface Hello {
  readonly v: 1;
  readonly type: "hello";
  readonly labels: readonly string[];
  /** OSC-safe class ids for the labels. */
  readonly classIds: readonly string[];
  readonly modelId: string;
  /** Analysis rate, Hz. */
  readonly sampleRateHz: number;
  /** Capture rate, Hz. */
  readonly inputRateHz: number;
  readonly hopSec: number;
  readonly windowSec: number;
  readonly source: { readonly name: string; readonly kind: string; readonly channels: number };
  /** Input channel (0-based) per lane, null for the mix. */
  readonly lanes: readonly (number | null)[];
  readonly rules: readonly string[];
  readonly thresholds: readonly number[];
  readonly muted: readonly boolean[];
  /** null when no --record file was given. */
  readonly recording: boolean | null;
  /** Control message types this bridge applies (absent: assume set-threshold, set-smoothing, mute, record). */
  readonly controls?: readonly ClientMessage["type"][];
  /** OSC destinations as "host:port" (absent or empty: none). */
  readonly oscTargets?: readonly string[];
  /** The --record file as given on the command line (absent: no activity log). */
  readonly recordFile?: string;
  /** Ballistics in effect for all classes, seconds. */
  readonly smoothing?: { readonly attackSec: number; readonly releaseSec: number };
}

export interface FrameMessage {
  readonly v: 1;
  readonly type: "frame";
  readonly seq: number;
  readonly lane: number;
  readonly channel: number | null;
  readonly index: number;
  readonly startSample: number;
  readonly sampleRateHz: number;
  readonly captureTimeMs: number | null;
  readonly raw: readonly number[];
  readonly smoothed: readonly number[];
  readonly active: readonly number[];
}

export interface TriggerMessage {
  readonly v: 1;
  readonly type: "trigger";
  readonly rule: string;
  readonly edge: "enter" | "exit";
  readonly lane: number;
  readonly channel: number | null;
  readonly startSample: number;
  readonly sampleRateHz: number;
  readonly captureTimeMs: number | null;
}

export interface StatusMessage {
  readonly v: 1;
  readonly type: "status";
  readonly device: string;
  readonly xruns: number;
  readonly droppedWindows: number;
  readonly windowsScored: number;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    readonly count: number;
  };
  readonly inferenceMsP50: number | null;
  readonly numTensors: number | null;
  readonly cpuPercent: number;
  /** Messages this client missed because it read too slowly. */
  readonly droppedMessages: number;
  readonly sinks: readonly { readonly name: string; readonly delivered: number; readonly dropped: number; readonly queued: number }[];
  /** Control input refused since start (invalid, unknown address, wrong types, refused source), per transport. */
  readonly badMessages?: { readonly osc: number; readonly ws: number };
}

export interface AckMessage {
  readonly v: 1;
  readonly type: "ack";
  /** The control message's id, if it had one. */
  readonly id: number | null;
  readonly ok: boolean;
  readonly error?: string;
}

/** Anything the server sends. */
export type ServerMessage = Hello | FrameMessage | TriggerMessage | StatusMessage | AckMessage;

export interface SetThreshold {
  readonly v: 1;
  readonly type: "set-threshold";
  readonly id?: number;
  readonly label: string;
  readonly value: number;
}
export interface SetSmoothing {
  readonly v: 1;
  readonly type: "set-smoothing";
  readonly id?: number;
  readonly label?: string;
  readonly attackSec: number;
  readonly releaseSec: number;
}
export interface SetMute {
  readonly v: 1;
  readonly type: "mute";
  readonly id?: number;
  readonly label: string;
  readonly muted: boolean;
}
export interface SetRecord {
  readonly v: 1;
  readonly type: "record";
  readonly id?: number;
  readonly on: boolean;
}
/** Seconds between window starts, in (0, windowSec]; only where hello.controls lists "set-hop". */
export interface SetHop {
  readonly v: 1;
  readonly type: "set-hop";
  readonly id?: number;
  readonly hopSec: number;
}

/** Anything a client may send. */
export type ClientMessage = SetThreshold | SetSmoothing | SetMute | SetRecord | SetHop;

/** Outcome of validation: the typed message, or a one-line reason. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === "number" && Number.isFinite(v);
const isNumOrNull: Check = (v) => v === null || isNum(v);
const isInt: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const isIntOrNull: Check = (v) => v === null || isInt(v);
const isStr: Check = (v) => typeof v === "string";
const isBool: Check = (v) => typeof v === "boolean";
const isUnit: Check = (v) => isNum(v) && (v as number) >= 0 && (v as number) <= 1;
const isSec: Check = (v) => isNum(v) && (v as number) >= 0 && (v as number) <= 60;
const arrayOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);
const oneOf =
  (...xs: readonly unknown[]): Check =>
  (v) =>
    xs.includes(v);
const objectOf =
  (shape: Record<string, Check>): Check =>
  (v) =>
    typeof v === "object" && v !== null && Object.entries(shape).every(([k, c]) => c((v as Record<string, unknown>)[k]));
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
/** A hop within the default front-end's range (src/config/hop.ts): more than 0, at most the 1 s window. */
const isHop: Check = (v) => isHopSec(v);

/** Field checks per message type; a leading "?" marks an optional field. */
const SCHEMAS: Record<string, Record<string, Check>> = {
  hello: {
    labels: arrayOf(isStr),
    classIds: arrayOf(isStr),
    modelId: isStr,
    sampleRateHz: isNum,
    inputRateHz: isNum,
    hopSec: isNum,
    windowSec: isNum,
    source: objectOf({ name: isStr, kind: isStr, channels: isInt }),
    lanes: arrayOf(isIntOrNull),
    rules: arrayOf(isStr),
    thresholds: arrayOf(isNum),
    muted: arrayOf(isBool),
    recording: (v) => v === null || isBool(v),
    "?controls": arrayOf(oneOf("set-threshold", "set-smoothing", "mute", "record", "set-hop")),
    "?oscTargets": arrayOf(isStr),
    "?recordFile": isStr,
    "?smoothing": objectOf({ attackSec: isSec, releaseSec: isSec }),
  },
  frame: {
    seq: isInt,
    lane: isInt,
    channel: isIntOrNull,
    index: isInt,
    startSample: isInt,
    sampleRateHz: isNum,
    captureTimeMs: isNumOrNull,
    raw: arrayOf(isNum),
    smoothed: arrayOf(isNum),
    active: arrayOf(oneOf(0, 1)),
  },
  trigger: {
    rule: isStr,
    edge: oneOf("enter", "exit"),
    lane: isInt,
    channel: isIntOrNull,
    startSample: isInt,
    sampleRateHz: isNum,
    captureTimeMs: isNumOrNull,
  },
  status: {
    device: isStr,
    xruns: isInt,
    droppedWindows: isInt,
    windowsScored: isInt,
    latencyMs: objectOf({ p50: isNumOrNull, p95: isNumOrNull, p99: isNumOrNull, max: isNumOrNull, count: isInt }),
    inferenceMsP50: isNumOrNull,
    numTensors: isIntOrNull,
    cpuPercent: isNum,
    droppedMessages: isInt,
    sinks: arrayOf(objectOf({ name: isStr, delivered: isInt, dropped: isInt, queued: isInt })),
    "?badMessages": objectOf({ osc: isInt, ws: isInt }),
  },
  ack: { id: isIntOrNull, ok: isBool, "?error": isStr },
  "set-threshold": { "?id": isInt, label: isStr, value: isUnit },
  "set-smoothing": { "?id": isInt, "?label": isStr, attackSec: isSec, releaseSec: isSec },
  mute: { "?id": isInt, label: isStr, muted: isBool },
  record: { "?id": isInt, on: isBool },
  "set-hop": { "?id": isInt, hopSec: isHop },
};

const SERVER_TYPES = ["hello", "frame", "trigger", "status", "ack"] as const;
const CLIENT_TYPES = ["set-threshold", "set-smoothing", "mute", "record", "set-hop"] as const;

const brief = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
};

function validate<T>(data: unknown, types: readonly string[]): Parsed<T> {
  let msg = data;
  if (typeof data === "string") {
    try {
      msg = JSON.parse(data);
    } catch {
      return { ok: false, error: `expected a JSON message, got ${brief(data)}` };
    }
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg))
    return { ok: false, error: `expected a JSON object, got ${brief(msg)}` };
  const rec = msg as Record<string, unknown>;
  if (rec["v"] !== PROTOCOL_VERSION) return { ok: false, error: `expected v: ${PROTOCOL_VERSION}, got ${brief(rec["v"])}` };
  const type = rec["type"];
  if (typeof type !== "string" || !types.includes(type))
    return { ok: false, error: `expected type ${types.join("|")}, got ${brief(type)}` };
  const schema = SCHEMAS[type] as Record<string, Check>;
  const fields = new Map(Object.entries(schema).map(([k, c]) => (k.startsWith("?") ? [k.slice(1), optional(c)] : [k, c])));
  for (const [k, check] of fields) {
    if (!check(rec[k])) return { ok: false, error: `${type}.${k}: invalid value ${brief(rec[k])}` };
  }
  const extra = Object.keys(rec).find((k) => k !== "v" && k !== "type" && !fields.has(k));
  if (extra !== undefined) return { ok: false, error: `${type}: unknown field ${brief(extra)}` };
  return { ok: true, value: rec as T };
}

/** Validates a message (object or JSON text) a server sent. */
export function parseServerMessage(data: unknown): Parsed<ServerMessage> {
  return validate<ServerMessage>(data, SERVER_TYPES);
}

/** Validates a control message (object or JSON text) a client sent. */
export function parseClientMessage(data: unknown): Parsed<ClientMessage> {
  return validate<ClientMessage>(data, CLIENT_TYPES);
}
