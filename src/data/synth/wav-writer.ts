/**
 * A small 16-bit PCM WAV writer with deterministic bytes: a canonical 44-byte RIFF header (no
 * LIST/INFO chunks, no timestamps) and round-half-away-from-zero quantisation with clipping at
 * full scale. No dither: dither is random and would break byte-identical re-generation.
 */
import { writeFile } from "node:fs/promises";

/** Size of the canonical header in bytes. */
export const WAV_HEADER_BYTES = 44;

/** Quantises one float sample in [-1, 1] to a 16-bit integer (clipped). */
export function toInt16(x: number): number {
  const y = x * 32767;
  if (y >= 32767) return 32767;
  if (y <= -32768) return -32768;
  // Round half away from zero; `| 0` truncates (cheaper than Math.round on this hot path).
  return (y + (y >= 0 ? 0.5 : -0.5)) | 0;
}

/**
 * Quantises `x` to 16 bits and back, in place, so later computations (mixing, activation
 * confidence) see exactly the values the written file holds. Returns `x`.
 */
export function quantiseInt16InPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = toInt16(x[i] as number) / 32767;
  return x;
}

/**
 * Encodes planar float channels (all the same length, nominal range [-1, 1]) as a 16-bit PCM
 * WAV file image. Channels are interleaved.
 */
export function encodeWav16(channels: readonly Float32Array[], sampleRateHz: number): Buffer {
  const nCh = channels.length;
  if (nCh < 1) throw new Error("encodeWav16: no channels");
  const n = (channels[0] as Float32Array).length;
  for (const c of channels) if (c.length !== n) throw new Error("encodeWav16: channels differ in length");
  if (!Number.isInteger(sampleRateHz) || sampleRateHz <= 0) throw new Error(`encodeWav16: bad sample rate ${sampleRateHz}`);
  const dataBytes = n * nCh * 2;
  const buf = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(nCh, 22);
  buf.writeUInt32LE(sampleRateHz, 24);
  buf.writeUInt32LE(sampleRateHz * nCh * 2, 28); // byte rate
  buf.writeUInt16LE(nCh * 2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write("data", 36, "ascii");
  buf.writeUInt32LE(dataBytes, 40);
  const out = new Int16Array(buf.buffer, buf.byteOffset + WAV_HEADER_BYTES, n * nCh);
  for (let c = 0; c < nCh; c++) {
    const ch = channels[c] as Float32Array;
    for (let i = 0; i < n; i++) out[i * nCh + c] = toInt16(ch[i] as number);
  }
  return buf;
}

/** Writes a 16-bit PCM WAV file. */
export async function writeWav16(path: string, channels: readonly Float32Array[], sampleRateHz: number): Promise<void> {
  await writeFile(path, encodeWav16(channels, sampleRateHz));
}
