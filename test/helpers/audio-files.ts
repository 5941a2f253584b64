/**
 * Test audio generated at test time: a WAV writer independent of src/audio (written from the RIFF
 * spec, used as the source of truth for sample values), deterministic PCM test signals, and
 * wrappers for the Debian encoders (sox, flac, lame, oggenc) that make the compressed files.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Sample encodings the writer produces. */
export type WavEncoding = "pcm8" | "pcm16" | "pcm24" | "pcm32" | "float32" | "float64";

export const BITS: Record<WavEncoding, number> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 };

/** What to write. PCM channels hold signed integers (pcm8 too: stored as value + 128). */
export interface WavSpec {
  readonly sampleRateHz: number;
  readonly encoding: WavEncoding;
  readonly channels: readonly ArrayLike<number>[];
  /** Write WAVE_FORMAT_EXTENSIBLE (fmt chunk of 40 bytes) instead of the plain tag. */
  readonly extensible?: boolean;
  /** Value to put in the data chunk's size field instead of the true size. */
  readonly declaredDataSize?: number;
  /** Extra chunks written between fmt and data, e.g. [["LIST", bytes]]. */
  readonly chunksBeforeData?: readonly (readonly [string, Uint8Array])[];
  /** Write an RF64 file (ds64 chunk holding the sizes, 0xFFFFFFFF in the 32-bit fields). */
  readonly rf64?: boolean;
}

/** Builds WAV bytes for `spec` (little-endian RIFF, chunks padded to even length). */
export function wavBytes(spec: WavSpec): Uint8Array {
  const nc = spec.channels.length;
  const frames = spec.channels[0]?.length ?? 0;
  const bits = BITS[spec.encoding];
  const bps = bits / 8;
  const dataSize = frames * nc * bps;
  const data = new DataView(new ArrayBuffer(dataSize));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nc; c++) {
      const v = (spec.channels[c] as ArrayLike<number>)[i] as number;
      const at = (i * nc + c) * bps;
      switch (spec.encoding) {
        case "pcm8":
          data.setUint8(at, v + 128);
          break;
        case "pcm16":
          data.setInt16(at, v, true);
          break;
        case "pcm24":
          data.setUint8(at, v & 0xff);
          data.setUint8(at + 1, (v >> 8) & 0xff);
          data.setUint8(at + 2, (v >> 16) & 0xff);
          break;
        case "pcm32":
          data.setInt32(at, v, true);
          break;
        case "float32":
          data.setFloat32(at, v, true);
          break;
        case "float64":
          data.setFloat64(at, v, true);
          break;
      }
    }
  }
  const tag = spec.encoding.startsWith("float") ? 3 : 1;
  const fmt = new DataView(new ArrayBuffer(spec.extensible === true ? 40 : 16));
  fmt.setUint16(0, spec.extensible === true ? 0xfffe : tag, true);
  fmt.setUint16(2, nc, true);
  fmt.setUint32(4, spec.sampleRateHz, true);
  fmt.setUint32(8, spec.sampleRateHz * nc * bps, true);
  fmt.setUint16(12, nc * bps, true);
  fmt.setUint16(14, bits, true);
  if (spec.extensible === true) {
    fmt.setUint16(16, 22, true); // cbSize
    fmt.setUint16(18, bits, true); // valid bits
    fmt.setUint32(20, nc === 1 ? 4 : nc === 2 ? 3 : 0, true); // channel mask
    const guid = [tag, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
    guid.forEach((b, i) => fmt.setUint8(24 + i, b));
  }
  const chunks: [string, Uint8Array, number?][] = [];
  if (spec.rf64 === true) {
    const ds64 = new DataView(new ArrayBuffer(28));
    ds64.setUint32(8, dataSize, true); // data size, low 32 bits (high 32 bits 0)
    ds64.setUint32(16, frames, true); // sample count
    chunks.push(["ds64", new Uint8Array(ds64.buffer)]);
  }
  chunks.push(["fmt ", new Uint8Array(fmt.buffer)]);
  for (const [id, body] of spec.chunksBeforeData ?? []) chunks.push([id, body]);
  const declared = spec.declaredDataSize ?? (spec.rf64 === true ? 0xffffffff : dataSize);
  chunks.push(["data", new Uint8Array(data.buffer), declared]);
  const parts: Uint8Array[] = [];
  for (const [id, body, size] of chunks) {
    const hdr = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 4; i++) hdr.setUint8(i, id.charCodeAt(i));
    hdr.setUint32(4, size ?? body.length, true);
    parts.push(new Uint8Array(hdr.buffer), body);
    if (body.length % 2 === 1) parts.push(new Uint8Array(1));
  }
  const bodyLen = parts.reduce((a, p) => a + p.length, 0);
  const head = new DataView(new ArrayBuffer(12));
  const magic = spec.rf64 === true ? "RF64" : "RIFF";
  for (let i = 0; i < 4; i++) head.setUint8(i, magic.charCodeAt(i));
  head.setUint32(4, spec.rf64 === true ? 0xffffffff : 4 + bodyLen, true);
  for (let i = 0; i < 4; i++) head.setUint8(8 + i, "WAVE".charCodeAt(i));
  const out = new Uint8Array(12 + bodyLen);
  out.set(new Uint8Array(head.buffer), 0);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Deterministic integer test signal for `bits`-bit PCM: a sine per channel plus LCG noise, using the
 * full range, with the extreme codes -2^(bits-1) and 2^(bits-1)-1 placed at samples 0 and 1.
 */
export function pcmSignal(frames: number, channels: number, bits: number, seed = 1): Int32Array[] {
  const full = 2 ** (bits - 1);
  let s = seed >>> 0;
  return Array.from({ length: channels }, (_, c) => {
    const x = new Int32Array(frames);
    for (let i = 0; i < frames; i++) {
      s = (Math.imul(1664525, s) + 1013904223) >>> 0;
      const v = 0.6 * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / 44100) + 0.3 * ((2 * s) / 2 ** 32 - 1);
      x[i] = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
    }
    if (frames > 1) {
      x[0] = -full;
      x[1] = full - 1;
    }
    return x;
  });
}

/**
 * A 440 Hz sine, a 1 kHz sine (phase per channel) and a 200 Hz -> 4 kHz linear chirp, amplitude
 * 0.25 each, quantised to int16. The chirp makes the signal non-periodic, so cross-correlation
 * finds a codec's delay without ambiguity.
 */
export function toneInt16(frames: number, channels: number, rateHz: number): Int32Array[] {
  const dur = frames / rateHz;
  return Array.from({ length: channels }, (_, c) =>
    Int32Array.from({ length: frames }, (_x, i) => {
      const t = i / rateHz;
      const chirp = Math.sin(2 * Math.PI * (200 * t + (0.5 * (4000 - 200) * t * t) / dur));
      const v = 0.25 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * 1000 * t + c) + 0.25 * chirp;
      return Math.round(v * 32767);
    }),
  );
}

/** A fresh temporary directory, removed after the calling test file. */
export function tempDir(prefix = "timbrescope-audio-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes bytes to dir/name and returns the path. */
export function writeFile(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Runs a Debian command-line tool and returns its stdout; throws with its stderr if it fails. */
export function tool(cmd: "sox" | "flac" | "lame" | "oggenc", args: readonly string[]): Buffer {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`${cmd} ${args.join(" ")} failed (apt-get install sox flac lame vorbis-tools?): ${stderr}`, { cause: err });
  }
}
