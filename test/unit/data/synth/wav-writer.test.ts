import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WAV_HEADER_BYTES, encodeWav16, toInt16, writeWav16 } from "../../../../src/data/synth/wav-writer.js";
import { runPython } from "../../../helpers/python.js";

const dir = mkdtempSync(join(tmpdir(), "ts-wav-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("16-bit WAV writer", () => {
  it("quantises with round-half-away-from-zero and clips at full scale", () => {
    expect(toInt16(0)).toBe(0);
    expect(toInt16(1)).toBe(32767);
    expect(toInt16(-1)).toBe(-32767);
    expect(toInt16(2)).toBe(32767);
    expect(toInt16(-2)).toBe(-32768);
    expect(toInt16(0.5 / 32767)).toBe(1);
    expect(toInt16(-0.5 / 32767)).toBe(-1);
    expect(toInt16(0.49 / 32767)).toBe(0);
  });

  it("writes a canonical header and samples that scipy reads back exactly", async () => {
    const a = new Float32Array([0, 0.5, -0.5, 1, -1, 0.25, 1e-6, -0.999]);
    const b = new Float32Array(a.map((x) => -x / 2));
    const path = join(dir, "x.wav");
    await writeWav16(path, [a, b], 22050);
    const buf = encodeWav16([a, b], 22050);
    expect(buf.length).toBe(WAV_HEADER_BYTES + a.length * 2 * 2);
    const out = runPython(
      `import scipy.io.wavfile as w, json, sys
sr, x = w.read(${JSON.stringify(path)})
print(json.dumps({"sr": sr, "dtype": str(x.dtype), "shape": list(x.shape), "data": x.tolist()}))`,
    );
    const r = JSON.parse(out) as { sr: number; dtype: string; shape: number[]; data: number[][] };
    expect(r.sr).toBe(22050);
    expect(r.dtype).toBe("int16");
    expect(r.shape).toEqual([a.length, 2]);
    expect(r.data.map((row) => row[0])).toEqual([...a].map(toInt16));
    expect(r.data.map((row) => row[1])).toEqual([...b].map(toInt16));
  });

  it("is byte-identical for identical input", () => {
    const a = new Float32Array(1000).map((_, i) => Math.sin(i / 7));
    expect(encodeWav16([a], 44100).equals(encodeWav16([a.slice()], 44100))).toBe(true);
  });
});
