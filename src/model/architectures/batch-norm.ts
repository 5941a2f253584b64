/**
 * Batch normalisation over the last (channel) axis (Ioffe & Szegedy 2015) with a closed-form
 * gradient, as a layer with Keras' weights (gamma, beta, moving_mean, moving_variance) and
 * semantics (momentum 0.99, epsilon 1e-3, biased batch variance as tfjs-layers uses).
 *
 * Why not tfjs-layers' BatchNormalization: in training it computes the batch statistics with
 * `tf.moments` and normalises with `tf.batchNorm`, so its backward pass chains the gradients of
 * Mean, SquaredDifference, Mean and FusedBatchNorm (which tiles [C] to the full [N, H, W, C]):
 * ~15 passes over the activation, which took longer on wasm than the CNN's convolutions. The
 * textbook gradient needs two channel sums and one pass:
 *
 *   xhat = (x - mean) * rstd,  rstd = 1 / sqrt(var + eps),  y = gamma * xhat + beta
 *   dbeta = Σ dy,   dgamma = Σ dy * xhat
 *   dx = gamma * rstd * (dy - dbeta / M - xhat * dgamma / M)      (M = N * H * W)
 *
 * The test suite checks it against tfjs-layers' own layer on the cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import { definedFields } from "../../defined-fields.js";

/** Config of {@link BatchNorm} (serialised into model.json). */
export interface BatchNormArgs {
  /** Moving-average momentum for the inference statistics. Default 0.99 (Keras). */
  readonly momentum?: number;
  /** Added to the variance. Default 1e-3 (Keras). */
  readonly epsilon?: number;
  readonly name?: string;
}

type Var = tf.LayerVariable;

/** Channel-last batch normalisation with a fused gradient. Registered for (de)serialisation. */
export class BatchNorm extends tf.layers.Layer {
  /** Name in model.json; loading a model needs this module imported (load.ts does). */
  static readonly className = "TimbrescopeBatchNorm";
  readonly momentum: number;
  readonly epsilon: number;
  private gamma: Var | undefined;
  private beta: Var | undefined;
  private movingMean: Var | undefined;
  private movingVariance: Var | undefined;

  constructor(args: BatchNormArgs = {}) {
    super(definedFields({ name: args.name }));
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1];
    if (c === null || c === undefined) throw new Error(`${this.name}: the channel axis must be known, got shape ${JSON.stringify(shape)}`);
    this.gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight("moving_mean", [c], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", [c], "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const [gamma, beta, mm, mv] = [this.gamma, this.beta, this.movingMean, this.movingVariance];
    if (gamma === undefined || beta === undefined || mm === undefined || mv === undefined)
      throw new Error(`${this.name}: called before build`);
    if (kwargs.training !== true) return tf.batchNorm(x, mm.read(), mv.read(), beta.read(), gamma.read(), this.epsilon);
    return tf.tidy(() => {
      const stats: { mean?: tf.Tensor; variance?: tf.Tensor } = {};
      const y = batchNormTraining(x, gamma.read(), beta.read(), this.epsilon, stats);
      const { mean, variance } = stats;
      if (mean === undefined || variance === undefined) throw new Error(`${this.name}: batch statistics missing`);
      // Keras: moving = moving * momentum + batch * (1 - momentum).
      mm.write(tf.add(tf.mul(mm.read(), this.momentum), tf.mul(mean, 1 - this.momentum)));
      mv.write(tf.add(tf.mul(mv.read(), this.momentum), tf.mul(variance, 1 - this.momentum)));
      tf.dispose([mean, variance]);
      return y;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }

  /** Rebuilds from model.json. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(BatchNorm);

/** Axes of all but the last dimension. */
const leading = (rank: number): number[] => Array.from({ length: rank - 1 }, (_, i) => i);

/**
 * Training-mode batch norm of `x` (channels last) with the closed-form gradient above. The batch
 * mean and variance are written to `stats`, kept out of any tidy: the caller disposes them. No
 * gradient flows through them (dx already holds the total derivative).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  stats: { mean?: tf.Tensor; variance?: tf.Tensor },
): tf.Tensor {
  const axes = leading(x.rank);
  const m = x.size / (x.shape[x.rank - 1] ?? 1);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(xIn, axes);
    const centred = tf.sub(xIn, mean);
    const variance = tf.mean(tf.square(centred), axes);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    // customGrad runs this in its own tidy: keep the statistics for the caller (who disposes them).
    stats.mean = tf.keep(mean);
    stats.variance = tf.keep(variance);
    save([centred, rstd, g]);
    const value = tf.add(tf.mul(centred, tf.mul(rstd, g)), b);
    const gradFunc = (d: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [c, r, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dBeta = tf.sum(d, axes);
      const dGammaRaw = tf.sum(tf.mul(d, c), axes); // Σ dy * (x - mean)
      const dGamma = tf.mul(dGammaRaw, r);
      const scale = tf.mul(gm, r);
      // dx = scale * dy - scale * dBeta / M - (x - mean) * scale * r * dGamma / M
      const k1 = tf.div(tf.mul(scale, dBeta), -m);
      const k2 = tf.div(tf.mul(tf.mul(scale, r), dGamma), -m);
      const dx = tf.add(tf.add(tf.mul(d, scale), tf.mul(c, k2)), k1);
      return [dx, dGamma, dBeta];
    };
    return { value, gradFunc };
  });
  return op(x, gamma, beta);
}
