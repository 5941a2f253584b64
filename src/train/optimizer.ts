/**
 * The two optimisers of the recipes, written out (Keras semantics) rather than taken from
 * tf.train: their state is then an ordered list of arrays, saved in checkpoints positionally
 * (tfjs names variables with a process-wide counter, so names differ between a run and its
 * resumption), and identical in every data-parallel worker.
 *
 * SGD + momentum (Keras SGD):  v <- m*v - lr*g;  w <- w + v
 * Adam (Kingma & Ba 2015, Keras form): t <- t+1;  a = lr*sqrt(1-b2^t)/(1-b1^t);
 *   m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;  w <- w - a*m/(sqrt(v) + eps)
 */
import * as tf from "@tensorflow/tfjs";
import type { Recipe } from "./recipe.js";

/** An optimiser bound to an ordered list of trainable variables. */
export interface Optimizer {
  /** e.g. "sgd-momentum(lr=0.0001, m=0.9)". */
  readonly description: string;
  /** Steps applied so far. */
  readonly iterations: number;
  /** Applies one update; `grads[i]` is the gradient of `vars[i]`. Grads are not disposed. */
  apply(grads: readonly tf.Tensor[]): void;
  /** Copies of every state slot, in a fixed order. */
  getState(): Float32Array[];
  /** Restores what getState returned (same variables, same order). */
  setState(slots: readonly Float32Array[], iterations: number): void;
  dispose(): void;
}

/** Adam constants (Keras defaults). */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** Creates the recipe's optimiser over `vars`. */
export function createOptimizer(recipe: Pick<Recipe, "optimizer" | "learningRate" | "momentum">, vars: readonly tf.Variable[]): Optimizer {
  const slotsPerVar = recipe.optimizer === "adam" ? 2 : 1;
  const slots: tf.Variable[] = [];
  for (const v of vars) for (let k = 0; k < slotsPerVar; k++) slots.push(tf.variable(tf.zerosLike(v), false));
  let iterations = 0;
  const lr = recipe.learningRate;
  const apply = (grads: readonly tf.Tensor[]): void => {
    if (grads.length !== vars.length) throw new RangeError(`optimizer: ${grads.length} gradients for ${vars.length} variables`);
    iterations++;
    tf.tidy(() => {
      if (recipe.optimizer === "sgd-momentum") {
        vars.forEach((w, i) => {
          const v = slots[i] as tf.Variable;
          const vNew = tf.sub(tf.mul(v, recipe.momentum), tf.mul(grads[i] as tf.Tensor, lr));
          v.assign(vNew);
          w.assign(tf.add(w, vNew));
        });
        return;
      }
      const a = (lr * Math.sqrt(1 - ADAM.beta2 ** iterations)) / (1 - ADAM.beta1 ** iterations);
      vars.forEach((w, i) => {
        const g = grads[i] as tf.Tensor;
        const m = slots[2 * i] as tf.Variable;
        const v = slots[2 * i + 1] as tf.Variable;
        const mNew = tf.add(tf.mul(m, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
        const vNew = tf.add(tf.mul(v, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
        m.assign(mNew);
        v.assign(vNew);
        w.assign(tf.sub(w, tf.div(tf.mul(mNew, a), tf.add(tf.sqrt(vNew), ADAM.epsilon))));
      });
    });
  };
  return {
    description: recipe.optimizer === "adam" ? `adam(lr=${lr})` : `sgd-momentum(lr=${lr}, m=${recipe.momentum})`,
    get iterations() {
      return iterations;
    },
    apply,
    getState: () => slots.map((s) => s.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
    setState(state, iters) {
      if (state.length !== slots.length) throw new RangeError(`optimizer state has ${state.length} slots, expected ${slots.length}`);
      slots.forEach((s, i) => {
        const data = state[i] as Float32Array;
        if (data.length !== s.size) throw new RangeError(`optimizer slot ${i} has ${data.length} values, expected ${s.size}`);
        tf.tidy(() => s.assign(tf.tensor(data, s.shape)));
      });
      iterations = iters;
    },
    dispose: () => tf.dispose(slots),
  };
}
