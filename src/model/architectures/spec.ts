/**
 * What defines a network: its family, its width and its input/output sizes. Stored in every
 * model's manifest, so a saved model can be rebuilt and checked against the live front-end.
 */
import { UserError } from "../../errors.js";

/** The three families of Gururani et al. 2018 §3.2. */
export type ArchitectureName = "mlp" | "cnn" | "crnn";

/** All names, for flag validation and help text. */
export const ARCHITECTURES: readonly ArchitectureName[] = ["mlp", "cnn", "crnn"];

/** A network's definition. */
export interface ArchitectureSpec {
  readonly name: ArchitectureName;
  /**
   * Multiplies every hidden width (conv filters, dense/GRU units). 1 = the paper's Table 1;
   * tests use small values (e.g. 1/16) for fast CI. Widths round to at least 1. Default 1.
   */
  readonly widthScale: number;
  /** Input window, [mel bands, frames] (96 x 87 for the default MelParams). */
  readonly inputShape: readonly [number, number];
  /** Number of sigmoid outputs (18). */
  readonly nClasses: number;
}

/** Parses `--arch`; throws UserError naming what was received. */
export function parseArchitectureName(text: string): ArchitectureName {
  const t = text.trim().toLowerCase();
  if ((ARCHITECTURES as readonly string[]).includes(t)) return t as ArchitectureName;
  throw new UserError(`Expected --arch ${ARCHITECTURES.join("|")}, got "${text}"`);
}

/** A hidden width scaled by `spec.widthScale` (at least 1). */
export function scaledWidth(spec: ArchitectureSpec, width: number): number {
  return Math.max(1, Math.round(width * spec.widthScale));
}

/**
 * Seed of the `index`-th random initialiser of a model built with `seed`: distinct, stable
 * streams per layer so that a model is a pure function of (spec, seed).
 */
export function layerSeed(seed: number, index: number): number {
  // 2654435761 = Knuth's multiplicative hash constant: spreads consecutive indices apart.
  return (Math.imul((seed >>> 0) ^ 0x9e3779b9, 2654435761) + Math.imul(index + 1, 40503)) >>> 0;
}

/** Checks a spec read from a file; throws UserError naming the bad field. */
export function validateSpec(spec: ArchitectureSpec): ArchitectureSpec {
  if (!(ARCHITECTURES as readonly string[]).includes(spec.name))
    throw new UserError(`architecture.name: expected ${ARCHITECTURES.join("|")}, got "${String(spec.name)}"`);
  if (!(typeof spec.widthScale === "number" && spec.widthScale > 0 && spec.widthScale <= 4)) {
    throw new UserError(`architecture.widthScale: expected a number in (0, 4], got ${String(spec.widthScale)}`);
  }
  const [h, w] = spec.inputShape;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1)
    throw new UserError(`architecture.inputShape: expected [bands, frames], got ${JSON.stringify(spec.inputShape)}`);
  if (!Number.isInteger(spec.nClasses) || spec.nClasses < 1)
    throw new UserError(`architecture.nClasses: expected a positive integer, got ${String(spec.nClasses)}`);
  return spec;
}
