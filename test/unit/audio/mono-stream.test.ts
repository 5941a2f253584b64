/**
 * openMonoStream gives loadMono's samples, bit for bit, in chunks: WAV streamed from disk (any
 * chunk size, several encodings and rates), compressed files through the decoder; bad files get
 * the same one-line errors.
 */
import { describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { openMonoStream } from "../../../src/audio/mono-stream.js";
import { pcmSignal, tempDir, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { definedFields } from "../../../src/defined-fields.js";

const dir = tempDir("timbrescope-mono-stream-");

async function streamed(path: string, chunkFrames: number, passes = 1, readBytes?: number): Promise<Float32Array[]> {
  const s = await openMonoStream(path, { chunkFrames, ...definedFields({ readBytes }) });
  try {
    const out: Float32Array[] = [];
    for (let k = 0; k < passes; k++) {
      const parts: Float32Array[] = [];
      for await (const c of s.chunks()) parts.push(c);
      const all = new Float32Array(parts.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of parts) {
        all.set(c, at);
        at += c.length;
      }
      expect(all.length).toBe(s.length);
      out.push(all);
    }
    return out;
  } finally {
    await s.close();
  }
}

describe("openMonoStream", () => {
  const cases = [
    { name: "44.1 kHz stereo pcm16", rate: 44100, channels: 2, encoding: "pcm16" as const, bits: 16 },
    { name: "48 kHz 3-channel pcm24", rate: 48000, channels: 3, encoding: "pcm24" as const, bits: 24 },
    { name: "22.05 kHz mono pcm16 (no resampling)", rate: 22050, channels: 1, encoding: "pcm16" as const, bits: 16 },
  ];
  for (const c of cases) {
    it(`equals loadMono exactly for ${c.name}, whatever the chunk size`, async () => {
      const frames = Math.round(c.rate * 2.3) + 17;
      const path = writeFile(
        dir,
        `${c.rate}-${c.channels}.wav`,
        wavBytes({ sampleRateHz: c.rate, encoding: c.encoding, channels: pcmSignal(frames, c.channels, c.bits, c.rate) }),
      );
      const ref = (await loadMono(path)).samples;
      for (const chunk of [1000, 4096, 65536, 1 << 20]) {
        const [a, b] = await streamed(path, chunk, 2);
        expect(a, `chunk ${chunk}`).toEqual(ref);
        expect(b, `second pass, chunk ${chunk}`).toEqual(ref);
      }
    });
  }

  for (const c of [
    { name: "16-bit stereo 44.1 kHz", rate: 44100, channels: 2, encoding: "pcm16" as const, bits: 16 },
    { name: "24-bit mono 48 kHz", rate: 48000, channels: 1, encoding: "pcm24" as const, bits: 24 },
  ]) {
    it(`streams FLAC (${c.name}) in pieces, equal to loadMono, and reports the source format`, async () => {
      const wav = writeFile(
        dir,
        `src-${c.bits}.wav`,
        wavBytes({ sampleRateHz: c.rate, encoding: c.encoding, channels: pcmSignal(c.rate * 2, c.channels, c.bits, 5) }),
      );
      const flac = `${dir}/src-${c.bits}.flac`;
      tool("flac", ["-s", "-f", "-o", flac, wav]);
      const ref = await loadMono(flac);
      for (const readBytes of [4096, 50_000, 1 << 20]) {
        const [a] = await streamed(flac, 8192, 1, readBytes);
        expect(a, `${readBytes} bytes per read`).toEqual(ref.samples);
      }
      const s = await openMonoStream(flac);
      expect(s.source).toEqual(ref.source);
      await s.close();
    });
  }

  it("rejects missing, empty and non-audio files with one-line errors", async () => {
    await expect(openMonoStream(`${dir}/nope.wav`)).rejects.toThrow(/nope\.wav: file not found$/);
    await expect(openMonoStream(writeFile(dir, "empty.wav", new Uint8Array(0)))).rejects.toThrow(/empty\.wav: empty file \(0 bytes\)$/);
    await expect(openMonoStream(writeFile(dir, "text.wav", new TextEncoder().encode("hello, not audio")))).rejects.toThrow(
      /text\.wav: unsupported format/,
    );
    const noData = wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: [new Int32Array(0)] });
    await expect(openMonoStream(writeFile(dir, "nodata.wav", noData))).rejects.toThrow(
      /nodata\.wav: no audio samples \(0 frames of wav\/pcm16\)$/,
    );
  });
});
