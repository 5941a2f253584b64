/**
 * `timbrescope mel` end to end: a 16-bit WAV written byte by byte, run through runCli, and the
 * .npy (read back by numpy itself) compared with an independent NumPy implementation of the recipe.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram, runCli } from "../../../src/cli/main.js";
import { setLogWriter } from "../../../src/log.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { lcgNoise } from "../../helpers/signals.js";

const SR = 22050;
const N = Math.round(3.3 * SR);

/** 16-bit mono PCM WAV: RIFF header, fmt chunk, data chunk. */
function wavBytes(x: Float64Array, sampleRateHz: number): Buffer {
  const data = Buffer.alloc(2 * x.length);
  x.forEach((v, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), 2 * i));
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRateHz, 24);
  h.writeUInt32LE(sampleRateHz * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** The recipe in plain NumPy (no librosa), plus the .npy as numpy's own np.load reads it. */
const ORACLE = `
import sys, json, wave, numpy as np
req = json.loads(sys.stdin.read())
with wave.open(req["wav"], "rb") as w:
    assert w.getsampwidth() == 2 and w.getnchannels() == 1
    sr = w.getframerate()
    x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
if req["normalize"]:
    x = x / np.sqrt(np.mean(x ** 2))
n_fft, hop, n_mels = 1024, 256, 96
win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
xp = np.pad(x, n_fft // 2, mode=req["pad"])
nf = 1 + (len(xp) - n_fft) // hop
idx = np.arange(n_fft)[None, :] + hop * np.arange(nf)[:, None]
P = np.abs(np.fft.rfft(xp[idx] * win, axis=1)) ** 2
logstep = np.log(6.4) / 27
def hz2mel(f):
    return 15 + np.log(f / 1000) / logstep if f >= 1000 else f / (200 / 3)
def mel2hz(m):
    return np.where(m >= 15, 1000 * np.exp(logstep * (m - 15)), m * 200 / 3)
edges = mel2hz(np.linspace(hz2mel(0.0), hz2mel(sr / 2), n_mels + 2))
freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
W = np.zeros((n_mels, freqs.size))
for i in range(n_mels):
    lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
    W[i] = np.maximum(0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid))) * 2 / (hi - lo)
D = 10 * np.log10(np.maximum(1e-10, W @ P.T))
D = np.maximum(D, D.max() - 80)
got = np.load(req["npy"])
print(json.dumps({"ref": D.ravel().tolist(), "got": got.astype(np.float64).ravel().tolist(), "shape": list(got.shape), "dtype": str(got.dtype)}))
`;

interface OracleOut {
  ref: number[];
  got: number[];
  shape: number[];
  dtype: string;
}

const dir = mkdtempSync(join(tmpdir(), "timbrescope-mel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wav = join(dir, "sine-noise.wav");
const noise = lcgNoise(99, N);
const signal = Float64Array.from(noise, (v, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) + 0.1 * v);
writeFileSync(wav, wavBytes(signal, SR));

/** Runs the CLI with log lines captured. */
async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const prev = setLogWriter((l) => lines.push(l));
  try {
    return { code: await runCli(argv), lines };
  } finally {
    setLogWriter(prev);
  }
}

const firstFrames: Record<string, number[]> = {};

describe("timbrescope mel", () => {
  const variants = [
    { name: "default (RMS-normalised, constant pad)", extra: [], normalize: true, pad: "constant" },
    { name: "--no-normalize", extra: ["--no-normalize"], normalize: false, pad: "constant" },
    { name: "--pad-mode reflect", extra: ["--pad-mode", "reflect"], normalize: true, pad: "reflect" },
  ];
  for (const v of variants) {
    it(`${v.name} matches an independent NumPy recipe`, async () => {
      const npy = join(dir, `${v.pad}-${v.normalize}.npy`);
      const { code, lines } = await run(["mel", wav, "--out", npy, ...v.extra]);
      expect(code, lines.join("\n")).toBe(0);
      expect(lines.join("\n")).toMatch(/96 x 285 frames from 3\.30 s/);
      const o = JSON.parse(runPython(ORACLE, JSON.stringify({ wav, npy, normalize: v.normalize, pad: v.pad }))) as OracleOut;
      expect(o.shape).toEqual([96, 1 + Math.floor(N / 256)]);
      expect(o.dtype).toBe("float32");
      const r = expectAllClose(o.got, o.ref, 1e-3, `mel .npy (${v.name}) vs numpy`);
      console.log(`cli mel ${v.name}: max |Δ| vs numpy ${r.maxAbs.toExponential(2)} dB`);
      firstFrames[v.name] = o.got.filter((_, i) => i % o.shape[1]! === 0);
    });
  }

  it("the three variants really differ (normalisation offset, edge-frame padding)", () => {
    const [a, b, c] = variants.map((v) => firstFrames[v.name] ?? []);
    expect(a?.length).toBe(96);
    const maxDiff = (x: number[] = [], y: number[] = []): number => Math.max(...x.map((val, i) => Math.abs(val - (y[i] ?? NaN))));
    expect(maxDiff(a, b)).toBeGreaterThan(1);
    expect(maxDiff(a, c)).toBeGreaterThan(0.1);
  });

  it("rejects an unknown --pad-mode with one line naming the value", async () => {
    const { code, lines } = await run(["mel", wav, "--out", join(dir, "x.npy"), "--pad-mode", "edge"]);
    expect(code).toBe(1);
    expect(lines).toEqual(['error: Expected --pad-mode constant|reflect, got "edge"']);
  });

  it("rejects an output directory that does not exist", async () => {
    const { code, lines } = await run(["mel", wav, "--out", join(dir, "missing", "x.npy")]);
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(/--out: directory ".*missing" does not exist/);
  });

  it("--help explains the recipe and gives an example", () => {
    const mel = buildProgram().commands.find((c) => c.name() === "mel");
    expect(mel).toBeDefined();
    let help = "";
    mel?.configureOutput({ writeOut: (str) => (help += str) });
    mel?.outputHelp();
    expect(help).toMatch(/--pad-mode <mode>/);
    expect(help).toMatch(/--no-normalize/);
    expect(help).toMatch(/Example:\n\s+\$ timbrescope mel song\.flac --out song-mel\.npy/);
  });
});
