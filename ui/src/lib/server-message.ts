/**
 * Reading server messages in the page. The bridge validates strictly (bridge/protocol.ts, which
 * the UI imports only for its types); the page checks only what it relies on and ignores fields
 * it does not know, so a newer v1 bridge with additive fields still works with an older page.
 */
import type { ServerMessage } from "../../../bridge/protocol.js";

/** Protocol version this page speaks (bridge/protocol.ts PROTOCOL_VERSION; a type import cannot carry the value). */
export const PAGE_PROTOCOL_VERSION = 1;

/** The message, or why it was refused. */
export type Checked = { readonly ok: true; readonly value: ServerMessage } | { readonly ok: false; readonly error: string };

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumArray = (v: unknown): boolean => Array.isArray(v) && v.every(isNum);
const isStrArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Fields the page reads, per message type. */
const NEEDS: Record<ServerMessage["type"], Record<string, (v: unknown) => boolean>> = {
  hello: {
    labels: isStrArray,
    classIds: isStrArray,
    thresholds: isNumArray,
    muted: Array.isArray,
    lanes: Array.isArray,
    rules: isStrArray,
    sampleRateHz: isNum,
  },
  frame: { lane: isNum, startSample: isNum, sampleRateHz: isNum, raw: isNumArray, smoothed: isNumArray, active: isNumArray },
  trigger: {
    rule: (v) => typeof v === "string",
    edge: (v) => v === "enter" || v === "exit",
    lane: isNum,
    startSample: isNum,
    sampleRateHz: isNum,
  },
  status: { xruns: isNum, droppedWindows: isNum, latencyMs: (v) => typeof v === "object" && v !== null },
  ack: { ok: (v) => typeof v === "boolean" },
};

/**
 * Parses one text frame from the bridge.
 * @returns the message, or a one-line reason (bad JSON, wrong version, unknown type, missing field)
 */
export function checkServerMessage(text: string): Checked {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, error: `not JSON: ${text.slice(0, 40)}` };
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) return { ok: false, error: "not a JSON object" };
  const rec = msg as Record<string, unknown>;
  if (rec["v"] !== PAGE_PROTOCOL_VERSION)
    return { ok: false, error: `protocol v${String(rec["v"])}, this page speaks v${PAGE_PROTOCOL_VERSION}` };
  const type = rec["type"];
  const needs = typeof type === "string" && Object.hasOwn(NEEDS, type) ? NEEDS[type as ServerMessage["type"]] : undefined;
  if (needs === undefined) return { ok: false, error: `unknown message type ${JSON.stringify(type)}` };
  for (const [k, check] of Object.entries(needs))
    if (!check(rec[k])) return { ok: false, error: `${String(type)}.${k} is missing or invalid` };
  return { ok: true, value: rec as unknown as ServerMessage };
}
