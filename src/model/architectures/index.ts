/**
 * The one way to build a network: `buildModel(spec, seed)`. Same spec and seed give the same
 * initial weights on any backend (initialisers are seeded per layer).
 */
import type * as tf from "@tensorflow/tfjs";
import { N_CLASSES } from "../../data/classes.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../../features/params.js";
import { buildCnn } from "./cnn.js";
import { buildCrnn } from "./crnn.js";
import { buildMlp } from "./mlp.js";
import type { ArchitectureName, ArchitectureSpec } from "./spec.js";

export type { ArchitectureName, ArchitectureSpec } from "./spec.js";
export { ARCHITECTURES, parseArchitectureName, validateSpec } from "./spec.js";

const BUILDERS: Record<ArchitectureName, (spec: ArchitectureSpec, seed: number) => tf.LayersModel> = {
  mlp: buildMlp,
  cnn: buildCnn,
  crnn: buildCrnn,
};

/** Builds the network described by `spec`, initialised from `seed` (integer). */
export function buildModel(spec: ArchitectureSpec, seed: number): tf.LayersModel {
  return BUILDERS[spec.name](spec, seed);
}

/**
 * A spec with the paper's sizes: input [nMels, framesPerWindow] of the default MelParams (96 x 87),
 * 18 classes, full width unless `widthScale` is given.
 */
export function paperSpec(
  name: ArchitectureName,
  opts: { widthScale?: number; inputShape?: readonly [number, number]; nClasses?: number } = {},
): ArchitectureSpec {
  const inputShape = opts.inputShape ?? ([DEFAULT_MEL_PARAMS.nMels, framesPerWindow(DEFAULT_MEL_PARAMS)] as const);
  return { name, widthScale: opts.widthScale ?? 1, inputShape, nClasses: opts.nClasses ?? N_CLASSES };
}
