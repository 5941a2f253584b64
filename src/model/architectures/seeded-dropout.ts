/**
 * Dropout whose mask is a pure function of (layer seed, training step), so that training is
 * reproducible and a resumed run equals an uninterrupted one.
 *
 * tfjs's own Dropout layer either draws its mask from Math.random (no seed) or, given a seed,
 * draws the SAME mask at every step. Here the trainer sets the step before each forward pass
 * ({@link setDropoutStep}); inference (`training` false) is the identity, so a saved model
 * behaves like any Keras model with dropout.
 */
import * as tf from "@tensorflow/tfjs";
import { definedFields } from "../../defined-fields.js";

/** Config of {@link SeededDropout} (serialised into model.json). */
export interface SeededDropoutArgs {
  /** Fraction of units dropped while training, in [0, 1). The paper's MLP: 0.5 (keep prob 0.5). */
  readonly rate: number;
  /** Base seed of this layer's masks. */
  readonly seed: number;
  readonly name?: string;
}

/** Dropout with step-seeded masks. Registered for (de)serialisation under its className. */
export class SeededDropout extends tf.layers.Layer {
  /** Name in model.json; loading a model needs this module imported (load.ts does). */
  static readonly className = "TimbrescopeSeededDropout";
  readonly rate: number;
  readonly baseSeed: number;
  /** Training step (and worker) mixed into the seed; set by the trainer. */
  step = 0;

  constructor(args: SeededDropoutArgs) {
    super(definedFields({ name: args.name }));
    if (!(args.rate >= 0 && args.rate < 1)) throw new RangeError(`SeededDropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.baseSeed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs.training !== true || this.rate === 0) return x;
    // tf.dropout scales kept units by 1 / (1 - rate) (inverted dropout, as Keras).
    return tf.dropout(x, this.rate, undefined, `${this.baseSeed}:${this.step}`);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.baseSeed };
  }

  /** Rebuilds from model.json. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(SeededDropout);

/**
 * Sets the dropout step of every SeededDropout layer of `model`. `stream` separates workers
 * that train on different halves of a batch at the same step (0 for single-process training).
 */
export function setDropoutStep(model: tf.LayersModel, step: number, stream = 0): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.step = step * 16 + stream;
}
