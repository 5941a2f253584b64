/**
 * Runs the same computation on tfjs's cpu backend (the reference: plain JS, tfjs's own gradient
 * kernels) and on wasm with timbrescope's kernels, returning plain arrays to compare.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/model/backend.js";

/** Initialises wasm (and registers timbrescope's kernels) once. */
export async function readyBackends(): Promise<void> {
  await initBackend("wasm");
}

/** Runs `fn` on backend `name` inside tidy and returns every output tensor as a Float32Array. */
export async function onBackend(name: "cpu" | "wasm", fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(name);
  const outs = tf.tidy(fn);
  const arrays = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  return arrays;
}

/** Largest absolute value of an array (to scale float32 tolerances). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Deterministic pseudo-random values in [-1, 1) (LCG), so both backends see identical inputs. */
export function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
