/**
 * FLAC through the reference decoder (Xiph's `flac` command, libFLAC), when it is installed: about
 * 2.5x less CPU than the wasm decoder for a 4-minute CD-quality file (≈ 280 vs ≈ 700 ms, most of
 * it in `flac`), and it runs in its own process, so it overlaps with the resampling and the network (`catalog run`'s throughput).
 *
 * FLAC is lossless, so both decoders give the same integers, and we scale them exactly as the
 * wasm path does (v / 2^(b-1)): the samples are bit-identical (a test compares them). Anything
 * unusual goes to the wasm path, which keeps its own warnings and errors for damaged files: no
 * `flac` on PATH, a bit depth other than 8/16/24, an unknown length, a non-zero exit (corrupt
 * data, MD5 mismatch), fewer or more bytes than STREAMINFO declares, or more than
 * MAX_NATIVE_BYTES of PCM (the whole PCM is held while it is handed out in chunks). The PCM
 * passes through a temporary file, `timbrescope-flac-PID-*.pcm` in the OS temp folder, removed as
 * soon as it is read; one left by a process killed with -9 during a decode is removed by the next
 * process's first native decode (sweepStalePcm: files whose PID is no longer running).
 * TIMBRESCOPE_NATIVE_FLAC=0 turns the native path off.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { log } from "../log.js";
import { downmixToMono } from "./downmix.js";
import type { FlacStreamInfo } from "./decode-compressed.js";

/** Largest PCM (bytes) decoded natively: 25 minutes of 44.1 kHz 16-bit stereo. */
export const MAX_NATIVE_BYTES = 256 * 1024 * 1024;

let missing = false;
let serial = 0;
let swept = false;

/** Whether process `pid` is running (signal 0 probes without signalling; EPERM means it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary PCM files of processes that are no longer running (killed during a decode);
 * resolves to how many. Never throws: a file another user owns or that vanished is left alone.
 */
export async function sweepStalePcm(dir: string = tmpdir()): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const pid = /^timbrescope-flac-(\d+)-.*\.pcm$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    try {
      await rm(join(dir, name));
      removed++;
    } catch {
      // another user's file, or already gone
    }
  }
  return removed;
}

/** How many FLAC decodes took the native path and how many fell back to wasm (tests, bench). */
export const flacDecodes = { native: 0, wasm: 0 };

/** Whether the native path may be tried (not disabled, `flac` not found missing before). */
export function nativeFlacEnabled(): boolean {
  return !missing && process.env.TIMBRESCOPE_NATIVE_FLAC !== "0";
}

/** Interleaved little-endian signed PCM of a FLAC file, with its layout. */
export interface NativePcm {
  readonly pcm: Buffer;
  readonly channels: number;
  readonly bytesPerSample: number;
  readonly bitsPerSample: number;
  readonly frames: number;
}

/**
 * Decodes `path` with `flac -d`; undefined when the native path does not apply or fails (see the
 * module comment), in which case the caller decodes with wasm.
 */
export async function decodeFlacNative(path: string, info: FlacStreamInfo): Promise<NativePcm | undefined> {
  const pcm = await runFlac(path, info);
  if (pcm === undefined) flacDecodes.wasm++;
  else flacDecodes.native++;
  return pcm;
}

async function runFlac(path: string, info: FlacStreamInfo): Promise<NativePcm | undefined> {
  const bits = info.bitsPerSample;
  if (!nativeFlacEnabled() || info.frames === undefined || (bits !== 8 && bits !== 16 && bits !== 24)) return undefined;
  const bytesPerSample = bits / 8;
  const want = info.frames * info.channels * bytesPerSample;
  if (want > MAX_NATIVE_BYTES) return undefined;
  if (!swept) {
    swept = true;
    void sweepStalePcm();
  }
  // flac writes the PCM to a temporary file that is read in one go: a pipe would hand it over in
  // thousands of 16 KiB reads, three times the main thread's CPU for the same bytes.
  const out = join(tmpdir(), `timbrescope-flac-${process.pid}-${++serial}-${randomBytes(4).toString("hex")}.pcm`);
  const args = ["-d", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "-o", out, "--", path];
  try {
    const result = await new Promise<{ code: number | null; stderr: string } | undefined>((resolve) => {
      const child = spawn("flac", args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => {
        if (stderr.length < 400) stderr += b.toString();
      });
      child.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") missing = true;
        log.debug(`flac not used for ${path}: ${err.message}`);
        resolve(undefined);
      });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    if (result === undefined) return undefined;
    const pcm = result.code === 0 ? await readFile(out).catch(() => undefined) : undefined;
    if (pcm?.length !== want) {
      log.debug(`flac not used for ${path}: exit ${String(result.code)}, ${pcm?.length ?? 0} of ${want} bytes ${result.stderr.trim()}`);
      return undefined;
    }
    return { pcm, channels: info.channels, bytesPerSample, bitsPerSample: bits, frames: info.frames };
  } finally {
    await rm(out, { force: true });
  }
}

/** Frames [from, to) of native PCM as planar float32 channels, scaled by 1 / 2^(bits-1). */
export function planarSlice(p: NativePcm, from: number, to: number): Float32Array[] {
  const n = Math.max(0, Math.min(to, p.frames) - from);
  const k = p.channels;
  const inv = 2 ** -(p.bitsPerSample - 1);
  const out = Array.from({ length: k }, () => new Float32Array(n));
  const b = p.pcm;
  const stride = k * p.bytesPerSample;
  for (let c = 0; c < k; c++) {
    const ch = out[c] as Float32Array;
    let at = from * stride + c * p.bytesPerSample;
    if (p.bytesPerSample === 2 && b.byteOffset % 2 === 0) {
      const v = new Int16Array(b.buffer, b.byteOffset, b.length >> 1); // little-endian hosts (x86, ARM)
      for (let i = 0, j = from * k + c; i < n; i++, j += k) ch[i] = (v[j] as number) * inv;
    } else if (p.bytesPerSample === 2) for (let i = 0; i < n; i++, at += stride) ch[i] = b.readInt16LE(at) * inv;
    else if (p.bytesPerSample === 3)
      for (let i = 0; i < n; i++, at += stride)
        ch[i] = (((b[at + 2] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at] as number) << 8)) * (inv / 256);
    else for (let i = 0; i < n; i++, at += stride) ch[i] = b.readInt8(at) * inv;
  }
  return out;
}

/**
 * Frames [from, to) of native PCM as one mono float32 signal: exactly downmixToMono(planarSlice(...))
 * (the channel mean summed in float64, one division, one rounding to float32), since integers
 * times 2^-(bits-1) are exact in float64 and so is their sum. Skips the planar copies, which were
 * a fifth of a native FLAC track's decode time (16-bit PCM; other depths go through them).
 */
export function monoSlice(p: NativePcm, from: number, to: number): Float32Array {
  const n = Math.max(0, Math.min(to, p.frames) - from);
  const k = p.channels;
  const scale = 2 ** -(p.bitsPerSample - 1);
  const b = p.pcm;
  if (p.bytesPerSample === 2 && b.byteOffset % 2 === 0) {
    const out = new Float32Array(n);
    const v = new Int16Array(b.buffer, b.byteOffset, b.length >> 1); // little-endian hosts (x86, ARM)
    if (k === 1) for (let i = 0, j = from; i < n; i++, j++) out[i] = (v[j] as number) * scale;
    else if (k === 2) for (let i = 0, j = 2 * from; i < n; i++, j += 2) out[i] = (((v[j] as number) + (v[j + 1] as number)) * scale) / 2;
    else
      for (let i = 0, j = from * k; i < n; i++) {
        let sum = 0;
        for (let c = 0; c < k; c++, j++) sum += v[j] as number;
        out[i] = (sum * scale) / k;
      }
    return out;
  }
  return downmixToMono(planarSlice(p, from, to));
}
