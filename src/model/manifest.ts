/**
 * A model's `manifest.json`: what the network expects (front-end contract, labels, input shape),
 * what it is (architecture, size, cost), how it was trained and how well it did on validation,
 * and the per-class decision thresholds tuned there.
 *
 * Loading validates the manifest against the live front-end: a model trained on other MelParams
 * would silently see different inputs, so a hash mismatch is an error naming the differing fields
 * (CONTRIBUTING.md, habit 2). The schema version is checked first so a future layout fails loudly.
 */
import { UserError } from "../errors.js";
import { DEFAULT_MEL_PARAMS, diffMelParams, framesPerWindow, melParamsHash } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import type { ArchitectureSpec } from "./architectures/spec.js";
import { validateSpec } from "./architectures/spec.js";

/** Current manifest layout. Bump on any incompatible change. */
export const MANIFEST_SCHEMA_VERSION = 1;
/** The `schema` tag of every manifest. */
export const MANIFEST_SCHEMA = "timbrescope-model";

/** Validation figures of the kept (best) epoch, at 1 s resolution. */
export interface ValidationSummary {
  readonly epoch: number;
  readonly meanAuc: number | null;
  readonly lrapMicro: number;
  readonly lrapMacro: number;
  readonly aucPerClass: ReadonlyArray<number | null>;
  /** Best F1 per class at its tuned threshold. */
  readonly bestF1: readonly number[];
  readonly loss: number;
}

/** How the model was trained. */
export interface TrainingSummary {
  readonly recipe: string;
  readonly optimizer: string;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly epochsRun: number;
  readonly seed: number;
  readonly backend: string;
  readonly workers: number;
  /** Mean training throughput, windows per second. */
  readonly samplesPerSec: number;
  readonly dataRoots: readonly string[];
  readonly tracks: { readonly train: number; readonly validation: number };
  readonly windows: { readonly train: number; readonly validation: number };
  /** Augmentation variants used for training, e.g. ["", "pitch-6", ..., "pitch+5"]. */
  readonly variants: readonly string[];
  readonly split: { readonly seed: number; readonly poolHash: string };
  /** The model folder whose weights started this run (`train --init-from`), if any. */
  readonly initFrom?: string;
  /** The model folders whose weights were averaged into this one (src/model/average.ts), if any. */
  readonly averagedFrom?: readonly string[];
  /** `train --real-negatives`: the list, its training recordings and their windows (with repeats), if any. */
  readonly realNegatives?: { readonly list: string; readonly recordings: number; readonly windows: number };
}

/** The manifest document. */
export interface ModelManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly schemaVersion: number;
  /** ISO 8601 creation time. */
  readonly createdAt: string;
  /** Output names in output order (class ids, e.g. "drums"). */
  readonly labels: readonly string[];
  readonly melParams: MelParams;
  readonly melParamsHash: string;
  readonly architecture: ArchitectureSpec;
  /** Model input [bands, frames, 1]. */
  readonly inputShape: readonly [number, number, number];
  readonly params: number;
  readonly trainableParams: number;
  /** Forward FLOPs per 1 s window. */
  readonly flopsPerWindow: number;
  /** Per-class decision thresholds (score >= threshold is "active"), tuned for best F1 on validation. */
  readonly thresholds: readonly number[];
  readonly training: TrainingSummary | null;
  readonly validation: ValidationSummary | null;
}

/** What the running front-end expects; a manifest must agree. */
export interface LiveFrontEnd {
  readonly melParams: MelParams;
  /** Expected labels (e.g. the 18 class ids); unchecked when absent. */
  readonly labels?: readonly string[];
}

const fail = (path: string, problem: string): never => {
  throw new UserError(`model manifest ${path}: ${problem}`);
};

/**
 * Checks a parsed manifest (`raw`) and its agreement with the live front-end. `path` names the
 * file in messages. Returns it typed. Throws UserError naming the first bad or differing field.
 */
export function validateManifest(
  raw: unknown,
  live: LiveFrontEnd = { melParams: DEFAULT_MEL_PARAMS },
  path = "manifest.json",
): ModelManifest {
  if (typeof raw !== "object" || raw === null) return fail(path, `expected a JSON object, got ${raw === null ? "null" : typeof raw}`);
  const m = raw as Partial<ModelManifest> & Record<string, unknown>;
  if (m.schema !== MANIFEST_SCHEMA) fail(path, `schema: expected "${MANIFEST_SCHEMA}", got ${JSON.stringify(m.schema)}`);
  if (m.schemaVersion !== MANIFEST_SCHEMA_VERSION)
    fail(path, `schemaVersion: this timbrescope reads version ${MANIFEST_SCHEMA_VERSION}, got ${JSON.stringify(m.schemaVersion)}`);
  if (!Array.isArray(m.labels) || m.labels.length === 0 || !m.labels.every((l) => typeof l === "string"))
    fail(path, `labels: expected a non-empty list of names, got ${JSON.stringify(m.labels)}`);
  const labels = m.labels as string[];
  if (typeof m.melParams !== "object" || m.melParams === null) fail(path, "melParams: missing");
  const liveHash = melParamsHash(live.melParams);
  if (m.melParamsHash !== liveHash) {
    const diff = diffMelParams(m.melParams as MelParams, live.melParams);
    fail(
      path,
      `melParamsHash ${String(m.melParamsHash)} differs from the live front-end's ${liveHash} (model vs live: ${diff.length > 0 ? diff.join("; ") : "same fields, different hash: the manifest was edited"})`,
    );
  }
  if (typeof m.architecture !== "object" || m.architecture === null) fail(path, "architecture: missing");
  try {
    validateSpec(m.architecture as ArchitectureSpec);
  } catch (err) {
    fail(path, err instanceof Error ? err.message : String(err));
  }
  const spec = m.architecture as ArchitectureSpec;
  const expectShape = [live.melParams.nMels, framesPerWindow(live.melParams), 1];
  const shape = m.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d, i) => d !== expectShape[i])) {
    fail(path, `inputShape: expected [${expectShape.join(", ")}] for the live front-end, got ${JSON.stringify(shape)}`);
  }
  if (spec.inputShape[0] !== expectShape[0] || spec.inputShape[1] !== expectShape[1]) {
    fail(path, `architecture.inputShape: expected [${expectShape[0]}, ${expectShape[1]}], got ${JSON.stringify(spec.inputShape)}`);
  }
  if (spec.nClasses !== labels.length) fail(path, `architecture.nClasses: ${spec.nClasses} outputs but ${labels.length} labels`);
  if (live.labels !== undefined) {
    if (live.labels.length !== labels.length) fail(path, `labels: the model has ${labels.length} labels, expected ${live.labels.length}`);
    const i = labels.findIndex((l, k) => l !== live.labels?.[k]);
    if (i >= 0) fail(path, `labels[${i}]: expected "${live.labels[i]}", got "${labels[i]}"`);
  }
  const th = m.thresholds;
  if (!Array.isArray(th) || th.length !== labels.length || !th.every((t) => typeof t === "number" && Number.isFinite(t))) {
    fail(
      path,
      `thresholds: expected ${labels.length} finite numbers, got ${Array.isArray(th) ? `${th.length} values` : JSON.stringify(th)}`,
    );
  }
  for (const key of ["params", "trainableParams", "flopsPerWindow"] as const) {
    if (typeof m[key] !== "number" || !Number.isFinite(m[key])) fail(path, `${key}: expected a number, got ${JSON.stringify(m[key])}`);
  }
  if (typeof m.createdAt !== "string" || Number.isNaN(Date.parse(m.createdAt)))
    fail(path, `createdAt: expected an ISO date, got ${JSON.stringify(m.createdAt)}`);
  return m as ModelManifest;
}

/** Inputs of {@link buildManifest}. */
export type ManifestInputs = Pick<
  ModelManifest,
  "labels" | "melParams" | "architecture" | "params" | "trainableParams" | "flopsPerWindow" | "thresholds" | "training" | "validation"
> & {
  /** Default: now. */
  readonly createdAt?: Date;
};

/** Assembles a manifest (current schema) from its parts. */
export function buildManifest(i: ManifestInputs): ModelManifest {
  return {
    schema: MANIFEST_SCHEMA,
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    createdAt: (i.createdAt ?? new Date()).toISOString(),
    labels: [...i.labels],
    melParams: i.melParams,
    melParamsHash: melParamsHash(i.melParams),
    architecture: i.architecture,
    inputShape: [i.architecture.inputShape[0], i.architecture.inputShape[1], 1],
    params: i.params,
    trainableParams: i.trainableParams,
    flopsPerWindow: i.flopsPerWindow,
    thresholds: [...i.thresholds],
    training: i.training,
    validation: i.validation,
  };
}
