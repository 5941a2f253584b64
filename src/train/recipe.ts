/**
 * Training recipes.
 *
 * `paper` (Gururani et al. 2018 §3.2.4, §4.1): binary cross-entropy, SGD with learning rate 1e-4 and
 * momentum 0.9, batches of 32, 20 epochs, every epoch over the original mixes AND their 11
 * pitch-shifted copies (-6..+5 semitones), validation after each epoch, best epoch by mean AUC.
 *
 * `fast` (ours, for CPU budgets): the same loss, batches, validation and augmentation range, but
 * Adam (lr 1e-3, Kingma & Ba defaults otherwise) and ONE randomly chosen pitch variant per track and
 * epoch, so an epoch costs 1/12 of the paper's. SGD at lr 1e-4 barely moves in the few epochs a
 * 2-core machine can afford; Adam at 1e-3 is the usual choice for such short runs (measured
 * difference: see the report of issue 5).
 */
import { UserError } from "../errors.js";

/** Recipe names. */
export type RecipeName = "paper" | "fast";

/** How pitch variants enter an epoch. */
export type AugmentMode = "all" | "one-per-track" | "none";

/** A complete training recipe. */
export interface Recipe {
  readonly name: RecipeName;
  readonly optimizer: "sgd-momentum" | "adam";
  /** Learning rate. */
  readonly learningRate: number;
  /** SGD momentum (ignored by Adam). */
  readonly momentum: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Pitch shifts in semitones; 0 is the original mix. */
  readonly semitones: readonly number[];
  readonly augment: AugmentMode;
}

/** The paper's pitch shifts: 6 semitones down to 5 up, 1-semitone steps (§4.1). */
export const PAPER_SEMITONES: readonly number[] = [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];

/** The recipes by name. */
export const RECIPES: Readonly<Record<RecipeName, Recipe>> = {
  paper: {
    name: "paper",
    optimizer: "sgd-momentum",
    learningRate: 1e-4,
    momentum: 0.9,
    batchSize: 32,
    epochs: 20,
    semitones: PAPER_SEMITONES,
    augment: "all",
  },
  fast: {
    name: "fast",
    optimizer: "adam",
    learningRate: 1e-3,
    momentum: 0,
    batchSize: 32,
    epochs: 20,
    semitones: PAPER_SEMITONES,
    augment: "one-per-track",
  },
};

/** Parses `--recipe`. */
export function parseRecipeName(text: string): RecipeName {
  const t = text.trim().toLowerCase();
  if (t === "paper" || t === "fast") return t;
  throw new UserError(`Expected --recipe paper|fast, got "${text}"`);
}

/** The feature-cache variant name of a pitch shift ("" for 0, else "pitch+3" / "pitch-6"). */
export function variantName(semitones: number): string {
  if (semitones === 0) return "";
  return `pitch${semitones > 0 ? "+" : ""}${semitones}`;
}
