import { describe, expect, it } from "vitest";
import { FileSource, defaultFramesPerChunk } from "../../../src/audio/file-source.js";
import type { AudioChunk } from "../../../src/audio/source.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { describeAudioSource } from "../../helpers/describe-audio-source.js";

const RATE = 48000;
const FRAMES = 24000 + 123; // 0.5 s and a short last chunk

/** Interleaved stereo int16 test audio (as float32 k / 32768) and its planar channels. */
function audio(): { planar: Float32Array[]; interleaved: Float32Array; ints: Int32Array[] } {
  const ints = [0, 1].map((c) => Int32Array.from({ length: FRAMES }, (_, i) => Math.round(20000 * Math.sin(0.013 * (c + 1) * i + c))));
  const planar = ints.map((x) => Float32Array.from(x, (v) => v / 32768));
  const interleaved = new Float32Array(FRAMES * 2);
  for (let i = 0; i < FRAMES; i++) {
    interleaved[2 * i] = planar[0]![i]!;
    interleaved[2 * i + 1] = planar[1]![i]!;
  }
  return { planar, interleaved, ints };
}

const a = audio();
const dir = tempDir("timbrescope-filesrc-");
const wav = writeFile(dir, "st.wav", wavBytes({ sampleRateHz: RATE, encoding: "pcm16", channels: a.ints }));
const base = { channels: 2, sampleRateHz: RATE, framesPerChunk: 480, reference: a.interleaved, totalFrames: FRAMES };

describeAudioSource("file, real time", { ...base, paced: true, make: () => FileSource.open(wav, { pace: "realtime" }) });
describeAudioSource("file, fast", { ...base, paced: false, make: () => FileSource.open(wav, { pace: "fast" }) });

describe("FileSource", () => {
  it("defaults to 10 ms chunks", () => {
    expect([48000, 44100, 22050, 8000].map(defaultFramesPerChunk)).toEqual([480, 441, 221, 80]);
  });

  it("loops seamlessly with full-size chunks and a running sample clock", async () => {
    const src = FileSource.fromAudio(
      "mem",
      { channels: a.planar, sampleRateHz: RATE, format: "test" },
      { pace: "fast", loop: true, framesPerChunk: 1000 },
    );
    const chunks: AudioChunk[] = [];
    let stop!: () => void;
    const enough = new Promise<void>((r) => (stop = r));
    await src.start({ chunk: (c) => void (chunks.push(c), chunks.length === 60 && stop()) });
    await enough;
    await src.stop();
    expect(chunks.every((c) => c.frames === 1000)).toBe(true);
    expect(chunks[59]?.startFrame).toBe(59000);
    // frame 24123 of the stream is frame 0 of the second pass
    const c24 = chunks[24]!;
    const off = FRAMES - 24000;
    expect(c24.data[2 * off]).toBe(a.interleaved[0]);
    expect(c24.data[2 * off + 1]).toBe(a.interleaved[1]);
  });

  it("in fast mode waits for the listener's promise before the next chunk", async () => {
    const src = FileSource.fromAudio("mem", { channels: a.planar, sampleRateHz: RATE, format: "test" }, { pace: "fast" });
    let inside = 0;
    let maxInside = 0;
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    await src.start({
      chunk: async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 1));
        inside--;
      },
      end: () => ended(),
    });
    await done;
    await src.stop();
    expect(maxInside).toBe(1);
  });

  it("reports a missing file as an input-file error", async () => {
    await expect(FileSource.open(`${dir}/nope.wav`)).rejects.toThrow(/nope\.wav/);
  });
});
