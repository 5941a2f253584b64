/**
 * Parsing and checking of `timbrescope live` flags into one typed plan (pure: no I/O), so the
 * rules ("--rate needs --device", "--realtime or --fast, not both") are testable on their own.
 */
import { UserError } from "../errors.js";
import { MAX_PER_CHANNEL } from "../audio/windower.js";
import { parseHopFlag } from "../config/hop.js";
import { definedFields } from "../defined-fields.js";
import { DEFAULT_MODEL_DIR } from "../model/model-files.js";
import { parseInferenceRequest } from "../model/scorer-spec.js";
import type { InferenceRequest } from "../model/scorer-spec.js";

/** The flags as commander hands them over. */
export interface LiveFlags {
  device?: string;
  channels?: string;
  rate?: string;
  input?: string;
  realtime?: boolean;
  fast?: boolean;
  loop?: boolean;
  /** Default DEFAULT_HOP_SEC.live. */
  hop?: string;
  osc: string[];
  oscIn?: string;
  port: string;
  server: boolean;
  record?: string;
  triggers?: string;
  perChannel?: boolean;
  /** Default DEFAULT_MODEL_DIR, as `analyze`. */
  model?: string;
  duration?: string;
  backend?: string;
}

/** What to run. Channels are 0-based here. */
export interface LivePlan {
  readonly source:
    | { readonly kind: "device"; readonly device?: string; readonly rateHz?: number }
    | { readonly kind: "file"; readonly path: string; readonly pace: "realtime" | "fast"; readonly loop: boolean };
  /** Selected channels (0-based), undefined = default. */
  readonly channels?: readonly number[];
  readonly perChannel: boolean;
  readonly hopSec: number;
  readonly oscTargets: readonly string[];
  readonly oscInPort?: number;
  /** undefined: no HTTP/WS server. */
  readonly port?: number;
  readonly record?: string;
  readonly triggers?: string;
  readonly modelDir: string;
  /** Inference engine of the scorer worker. */
  readonly backend: InferenceRequest;
  readonly durationSec?: number;
}

function positive(text: string, flag: string, unit: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v <= 0)
    throw new UserError(`Expected ${flag} a positive number (${unit}), got "${text}"`);
  return v;
}

function port(text: string, flag: string, allowZero: boolean): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || v > 65535 || (!allowZero && v === 0)) {
    throw new UserError(`Expected ${flag} a port number in ${allowZero ? 0 : 1}..65535, got "${text}"`);
  }
  return v;
}

/** Parses "1,2" (1-based) into 0-based channel numbers. */
export function parseChannelList(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const out = parts.map((s) => Number(s) - 1);
  if (parts.some((s) => !/^\d+$/.test(s)) || out.some((c) => c < 0)) {
    throw new UserError(`Expected --channels a comma-separated list of channel numbers from 1, got "${text}"`);
  }
  if (new Set(out).size !== out.length) throw new UserError(`Expected --channels without repeats, got "${text}"`);
  return out;
}

/**
 * Checks the flags and returns the plan.
 * @throws UserError naming the first bad flag and its value
 */
export function planLive(f: LiveFlags): LivePlan {
  if (f.device !== undefined && f.input !== undefined) throw new UserError("Expected either --device or --input, got both");
  if (f.realtime === true && f.fast === true) throw new UserError("Expected either --realtime or --fast, got both");
  if (f.input === undefined && (f.realtime === true || f.fast === true || f.loop === true)) {
    throw new UserError("--realtime, --fast and --loop apply to --input FILE");
  }
  if (f.input !== undefined && f.rate !== undefined)
    throw new UserError(`--rate applies to --device (a file plays at its own rate), got --rate ${f.rate}`);
  const source: LivePlan["source"] =
    f.input !== undefined
      ? { kind: "file", path: f.input, pace: f.fast === true ? "fast" : "realtime", loop: f.loop === true }
      : {
          kind: "device",
          ...definedFields({ device: f.device, rateHz: f.rate === undefined ? undefined : Math.round(positive(f.rate, "--rate", "Hz")) }),
        };
  const channels = f.channels === undefined ? undefined : parseChannelList(f.channels);
  if (f.perChannel === true && channels !== undefined && channels.length > MAX_PER_CHANNEL) {
    throw new UserError(`Expected at most ${MAX_PER_CHANNEL} --channels with --per-channel, got ${channels.length}`);
  }
  const hopSec = parseHopFlag(f.hop, "live");
  return {
    source,
    ...definedFields({ channels }),
    perChannel: f.perChannel === true,
    hopSec,
    oscTargets: f.osc,
    ...definedFields({
      oscInPort: f.oscIn === undefined ? undefined : port(f.oscIn, "--osc-in", false),
      port: f.server ? port(f.port, "--port", true) : undefined,
      record: f.record,
      triggers: f.triggers,
    }),
    modelDir: f.model ?? DEFAULT_MODEL_DIR,
    backend: parseInferenceRequest(f.backend ?? "auto"),
    ...definedFields({ durationSec: f.duration === undefined ? undefined : positive(f.duration, "--duration", "seconds") }),
  };
}
