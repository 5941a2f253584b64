/**
 * Compiling and instantiating the project's hand-assembled WebAssembly kernels (the resampler's,
 * src/audio/resample-kernel-wasm.ts, and the FFT stages', src/features/fft-stages-wasm.ts): each
 * module is compiled once per thread, and a platform without WebAssembly SIMD gets `undefined`, so
 * the caller falls back to its plain-JS twin.
 */

// The project compiles without lib.dom, which is where TypeScript keeps the WebAssembly types;
// these are the few members used here (Node 20 provides the global at runtime).
/** A compiled module. */
export interface WasmModule {
  readonly __wasmModule: never;
}
/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => WasmMemory;
};

/** A getter of the module `assemble` builds, compiled on first call; undefined where it does not compile (no SIMD). */
export function compiledOnce(assemble: () => Uint8Array): () => WasmModule | undefined {
  let compiled: WasmModule | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(assemble());
      } catch {
        compiled = null;
      }
    }
    return compiled ?? undefined;
  };
}

/** The exports of a new instance of `mod`. */
export function instantiate(mod: WasmModule, imports: object = {}): Record<string, unknown> {
  return new WebAssembly.Instance(mod, imports).exports;
}

/** A new linear memory of `pages` 64 KiB pages. */
export function newMemory(pages: number): WasmMemory {
  return new WebAssembly.Memory({ initial: pages });
}
