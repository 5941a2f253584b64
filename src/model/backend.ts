/**
 * Picks the TensorFlow.js backend at the composition root (CLI, bridge), once per process.
 *
 * - `tensorflow`: libtensorflow through `@tensorflow/tfjs-node-gpu` (CUDA) or `@tensorflow/tfjs-node`.
 *   Optional packages, not in the default install (their install downloads libtensorflow); found at
 *   run time with a dynamic import.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD; one thread in Node 20, see
 *   docs/training-on-wasm.md) plus timbrescope's training kernels (wasm-kernels/).
 * - `cpu`: plain JavaScript; ~25x slower than wasm for convolutions; the reference in tests.
 * `auto` takes the first of tensorflow, wasm, cpu that initialises, and says which.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError, oneLine } from "../errors.js";
import { log } from "../log.js";

export type { BackendRequest } from "./backend-request.js";
export { parseBackendRequest } from "./backend-request.js";
import type { BackendRequest } from "./backend-request.js";

/** The backends timbrescope can run on. */
export type BackendKind = "tensorflow" | "wasm" | "cpu";

/** The backend in use. */
export interface BackendInfo {
  readonly kind: BackendKind;
  /** tfjs backend name (`tf.getBackend()`). */
  readonly tfName: string;
  /** One line for logs and manifests, e.g. "wasm (SIMD, 1 thread)". */
  readonly description: string;
}

/** The native packages tried for `tensorflow`, fastest first. */
export const NATIVE_PACKAGES: readonly string[] = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];

/** Loads a module by name (tests replace it to simulate installed/missing packages). */
export type ModuleLoader = (name: string) => Promise<unknown>;

const defaultLoader: ModuleLoader = async (name) => (await import(name)) as unknown;

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** How optional packages are imported. Default: dynamic `import()`. */
  readonly loader?: ModuleLoader;
}

let current: BackendInfo | undefined;

/**
 * Initialises the requested backend and makes it current. Calling again with the same request
 * (or "auto" once a backend is set) returns the current one without re-initialising.
 * @throws UserError when an explicitly requested backend cannot be initialised.
 */
export async function initBackend(request: BackendRequest = "auto", opts: BackendOptions = {}): Promise<BackendInfo> {
  if (current !== undefined && (request === "auto" || request === current.kind) && tf.getBackend() === current.tfName) return current;
  // Silences tfjs's "install the node backend" console banner; we log our own line instead.
  tf.env().set("PROD", true);
  const loader = opts.loader ?? defaultLoader;
  const order: BackendKind[] = request === "auto" ? ["tensorflow", "wasm", "cpu"] : [request];
  const failures: string[] = [];
  for (const kind of order) {
    try {
      current = await tryBackend(kind, loader);
      log.debug(`tfjs backend: ${current.description}`);
      return current;
    } catch (err) {
      failures.push(`${kind}: ${oneLine(err)}`);
    }
  }
  throw new UserError(`Could not initialise the ${request} backend (${failures.join("; ")})`);
}

/** The backend set by {@link initBackend}, or undefined before. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

async function tryBackend(kind: BackendKind, loader: ModuleLoader): Promise<BackendInfo> {
  if (kind === "tensorflow") return tryNative(loader);
  if (kind === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    const { registerWasmTrainingKernels } = await import("./wasm-kernels/register.js");
    registerWasmTrainingKernels();
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') failed");
    await tf.ready();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    return {
      kind,
      tfName: "wasm",
      description: `wasm (${simd === true ? "SIMD" : "no SIMD"}, ${threads === true ? "threads" : "1 thread"})`,
    };
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') failed");
  await tf.ready();
  return { kind, tfName: "cpu", description: "cpu (plain JavaScript)" };
}

async function tryNative(loader: ModuleLoader): Promise<BackendInfo> {
  const missing: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await loader(pkg);
    } catch (err) {
      missing.push(`${pkg} not loadable (${oneLine(err).slice(0, 120)})`);
      continue;
    }
    if (!(await tf.setBackend("tensorflow"))) throw new Error(`${pkg} loaded but tf.setBackend('tensorflow') failed`);
    await tf.ready();
    return { kind: "tensorflow", tfName: "tensorflow", description: `tensorflow (${pkg})` };
  }
  throw new Error(missing.join(", "));
}
