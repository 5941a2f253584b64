/**
 * Test "songs" for the live pipeline: segments in which given classes are "playing", each class
 * rendered as a sine at the frequency the fake scorer listens to (fake-scorer.ts), plus a little
 * noise, quantised to int16 so the same samples can be written as WAV and as raw S16LE for the
 * virtual ALSA capture device.
 */
import { classToneHz } from "./fake-scorer.js";

/** A stretch of the song. */
export interface Segment {
  readonly seconds: number;
  /** Class indices playing (0 drums, 2 male singer, 3 distorted guitar, ...). */
  readonly classes: readonly number[];
}

/** Renders segments as int16 channels (the same in every channel but for a small phase offset). */
export function sceneInt16(segments: readonly Segment[], rateHz: number, channels = 1, seed = 5): Int32Array[] {
  const total = Math.round(segments.reduce((s, g) => s + g.seconds, 0) * rateHz);
  const out = Array.from({ length: channels }, () => new Int32Array(total));
  let s = seed >>> 0;
  let at = 0;
  for (const g of segments) {
    const n = Math.round(g.seconds * rateHz);
    for (let i = at; i < Math.min(total, at + n); i++) {
      s = (Math.imul(1664525, s) + 1013904223) >>> 0;
      const noise = 0.01 * ((2 * s) / 2 ** 32 - 1);
      for (let c = 0; c < channels; c++) {
        let v = noise;
        for (const k of g.classes)
          v += (0.6 / Math.max(1, g.classes.length)) * Math.sin((2 * Math.PI * classToneHz(k) * i) / rateHz + 0.3 * c);
        (out[c] as Int32Array)[i] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      }
    }
    at += n;
  }
  return out;
}

/** Interleaves int16 channels as raw little-endian S16 bytes (what an ALSA file PCM plays). */
export function s16leBytes(channels: readonly Int32Array[]): Buffer {
  const k = channels.length;
  const n = channels[0]?.length ?? 0;
  const buf = Buffer.alloc(n * k * 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) buf.writeInt16LE((channels[c] as Int32Array)[i] as number, 2 * (i * k + c));
  return buf;
}
