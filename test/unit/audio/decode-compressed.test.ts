/**
 * FLAC, MP3 and Ogg Vorbis decoding of files made at test time by the Debian encoders from WAVs
 * this test writes. FLAC is lossless: the decoded samples must equal the source integers scaled by
 * 2^(bits-1) exactly. MP3 and Vorbis are lossy: after finding the decoder delay by cross-correlation
 * (expected 0: mpg123 decodes gapless using the LAME header, Vorbis trims to the granule position),
 * the signal-to-error ratio must exceed a threshold set ~5 dB under the values measured with
 * Debian 12's lame 3.100 / vorbis-tools 1.4.2 (MP3 192k stereo 30.5 dB, MP3 -V4 mono 54.5 dB,
 * Vorbis q5 stereo 38.4 dB, Vorbis q2 mono 30.9 dB).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFile } from "../../../src/audio/decode.js";
import { flacDecodes } from "../../../src/audio/decode-flac-native.js";
import { openMonoStream } from "../../../src/audio/mono-stream.js";
import { pcmSignal, tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { expectAllClose } from "../../helpers/close.js";

const dir = tempDir();

function scaled(ints: ArrayLike<number>, bits: number): Float32Array {
  return Float32Array.from(ints, (v) => v / 2 ** (bits - 1));
}

/** Writes a 16/24-bit source WAV and returns its path. */
function sourceWav(name: string, channels: Int32Array[], rateHz: number, bits: 8 | 16 | 24): string {
  const encoding = bits === 8 ? "pcm8" : bits === 16 ? "pcm16" : "pcm24";
  return writeFile(dir, name, wavBytes({ sampleRateHz: rateHz, encoding, channels, extensible: channels.length > 2 }));
}

// Both FLAC decoders: Xiph's `flac` (native, used when installed) and the wasm one (the fallback).
describe.each([
  { decoder: "native flac", env: "1" },
  { decoder: "wasm", env: "0" },
])("FLAC (lossless: exact), $decoder decoder", ({ env }) => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.TIMBRESCOPE_NATIVE_FLAC;
    process.env.TIMBRESCOPE_NATIVE_FLAC = env;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TIMBRESCOPE_NATIVE_FLAC;
    else process.env.TIMBRESCOPE_NATIVE_FLAC = saved;
  });
  /** Runs `fn` and checks which decoder a plain FLAC stream went to. */
  async function decodedBy<T>(ogg: boolean, fn: () => Promise<T>): Promise<T> {
    const before = { ...flacDecodes };
    const r = await fn();
    const native = flacDecodes.native - before.native;
    expect(native, "native decodes").toBe(env === "1" && !ogg ? 1 : 0);
    return r;
  }
  const cases = [
    { name: "16-bit stereo 44.1 kHz", bits: 16, nc: 2, rate: 44100, args: [] },
    { name: "24-bit 6 channels 96 kHz", bits: 24, nc: 6, rate: 96000, args: ["--channel-map=none"] },
    { name: "8-bit mono 8 kHz", bits: 8, nc: 1, rate: 8000, args: [] },
    { name: "16-bit stereo in an Ogg container", bits: 16, nc: 2, rate: 48000, args: ["--ogg"] },
  ] as const satisfies readonly { name: string; bits: 8 | 16 | 24; nc: number; rate: number; args: readonly string[] }[];
  it.each(cases)("$name", async ({ bits, nc, rate, args }) => {
    const src = pcmSignal(20000, nc, bits, bits + nc);
    const wav = sourceWav(`src-${bits}-${nc}.wav`, src, rate, bits);
    const out = join(dir, `out-${bits}-${nc}${args.join("")}.flac`);
    tool("flac", ["--silent", "--force", ...args, "-o", out, wav]);
    const got = await decodedBy((args as readonly string[]).includes("--ogg"), () => decodeFile(out));
    expect(got.format).toBe((args as readonly string[]).includes("--ogg") ? "ogg/flac" : "flac");
    expect(got.sampleRateHz).toBe(rate);
    expect(got.channels.length).toBe(nc);
    got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, bits), 0, `channel ${c}`));
  });

  it("FLAC behind an ID3v2 tag is found by its magic bytes", async () => {
    const src = pcmSignal(5000, 2, 16, 9);
    const flacPath = join(dir, "id3.flac");
    tool("flac", ["--silent", "--force", "-o", flacPath, sourceWav("id3-src.wav", src, 44100, 16)]);
    const tagBody = new Uint8Array(100); // an ID3v2.3 tag of 100 zero bytes (padding only)
    const id3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 100, ...tagBody]);
    const tagged = writeFile(dir, "tagged.mp3-named-but-flac", new Uint8Array([...id3, ...readFileSync(flacPath)]));
    const got = await decodedBy(false, () => decodeFile(tagged));
    expect(got.format).toBe("flac");
    got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, 16), 0, `channel ${c}`));
  });

  const layouts = [
    { bits: 16, nc: 1 },
    { bits: 16, nc: 2 },
    { bits: 24, nc: 2 },
    { bits: 16, nc: 3 },
  ] as const;
  it.each(layouts)(
    "streams $bits-bit $nc-channel audio (decode, downmix, resample) exactly as the wasm decoder's, in pieces",
    async ({ bits, nc }) => {
      const src = pcmSignal(150_000, nc, bits, 5 + nc);
      const out = join(dir, `stream-${env}-${bits}-${nc}.flac`);
      tool("flac", [
        "--silent",
        "--force",
        "--channel-map=none",
        "-o",
        out,
        sourceWav(`stream-${env}-${bits}-${nc}.wav`, src, 44100, bits),
      ]);
      const pass = async (): Promise<Float32Array[]> => {
        const stream = await openMonoStream(out, { sampleRateHz: 22050 });
        const pieces: Float32Array[] = [];
        for await (const c of stream.chunks()) pieces.push(c);
        await stream.close();
        return pieces;
      };
      const pieces = await decodedBy(false, pass);
      expect(pieces.length).toBeGreaterThan(1);
      process.env.TIMBRESCOPE_NATIVE_FLAC = "0";
      const ref = await pass();
      process.env.TIMBRESCOPE_NATIVE_FLAC = env;
      const flat = (a: Float32Array[]): Float32Array => Float32Array.from(a.flatMap((p) => [...p]));
      expect(flat(pieces).length).toBe(Math.ceil(150_000 / 2));
      expectAllClose(flat(pieces), flat(ref), 0, "mono 22.05 kHz samples");
    },
  );
});

/** Best lag (decoded index - source index) in [-maxLag, maxLag] by cross-correlation, and the SNR there in dB. */
function alignedSnr(decoded: Float32Array, source: Float32Array, maxLag: number): { lag: number; snrDb: number } {
  const margin = maxLag + 2048; // skip the first/last samples where encoders ramp in and out
  let best = -Infinity;
  let lag = 0;
  for (let d = -maxLag; d <= maxLag; d++) {
    let acc = 0;
    for (let i = margin; i < source.length - margin; i += 3) acc += (source[i] as number) * (decoded[i + d] ?? 0);
    if (acc > best) {
      best = acc;
      lag = d;
    }
  }
  let sig = 0;
  let err = 0;
  for (let i = margin; i < source.length - margin; i++) {
    const s = source[i] as number;
    sig += s * s;
    err += ((decoded[i + lag] ?? 0) - s) ** 2;
  }
  return { lag, snrDb: 10 * Math.log10(sig / err) };
}

describe("lossy codecs (SNR after delay alignment)", () => {
  const cases = [
    {
      codec: "mp3",
      name: "MP3 CBR 192 kb/s stereo 44.1 kHz",
      rate: 44100,
      nc: 2,
      minSnrDb: 25,
      enc: (w: string, o: string) => tool("lame", ["--quiet", "-b", "192", w, o]),
    },
    {
      codec: "mp3",
      name: "MP3 VBR -V4 mono 22.05 kHz",
      rate: 22050,
      nc: 1,
      minSnrDb: 40,
      enc: (w: string, o: string) => tool("lame", ["--quiet", "-V", "4", w, o]),
    },
    {
      codec: "ogg/vorbis",
      name: "Vorbis q5 stereo 44.1 kHz",
      rate: 44100,
      nc: 2,
      minSnrDb: 30,
      enc: (w: string, o: string) => tool("oggenc", ["--quiet", "-q", "5", "-o", o, w]),
    },
    {
      codec: "ogg/vorbis",
      name: "Vorbis q2 mono 48 kHz",
      rate: 48000,
      nc: 1,
      minSnrDb: 24,
      enc: (w: string, o: string) => tool("oggenc", ["--quiet", "-q", "2", "-o", o, w]),
    },
  ] as const;
  it.each(cases)("$name", async ({ codec, rate, nc, minSnrDb, enc }) => {
    const frames = rate * 2;
    const src = toneInt16(frames, nc, rate);
    const wav = sourceWav(`lossy-${rate}-${nc}.wav`, src, rate, 16);
    const out = join(dir, `lossy-${rate}-${nc}.${codec === "mp3" ? "mp3" : "ogg"}`);
    enc(wav, out);
    const got = await decodeFile(out);
    expect(got.format).toBe(codec);
    expect(got.sampleRateHz).toBe(rate);
    expect(got.channels.length).toBe(nc);
    // Gapless decoding gives back the source length (MP3 frames are 1152 samples: allow one frame).
    expect(Math.abs((got.channels[0]?.length ?? 0) - frames)).toBeLessThanOrEqual(codec === "mp3" ? 1152 : 0);
    got.channels.forEach((ch, c) => {
      const r = alignedSnr(ch, scaled(src[c] as Int32Array, 16), 1200);
      console.log(`[decode] ${codec} ${rate} Hz ch ${c}: lag ${r.lag}, SNR ${r.snrDb.toFixed(1)} dB`);
      expect(r.lag, "decoder delay").toBe(0);
      expect(r.snrDb).toBeGreaterThan(minSnrDb);
    });
  });
});
