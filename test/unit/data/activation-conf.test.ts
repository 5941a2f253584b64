import { describe, expect, it } from "vitest";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { butterLowpass2, computeActivationConfidence, matlabHanning } from "../../../src/data/activation-conf.js";
import type { StemSignal } from "../../../src/data/activation-conf.js";
import { formatLab, parseLab } from "../../../src/data/lab.js";

const RATE = 44100;

/** Uniform noise in [-1, 1) from a 32-bit LCG (deterministic, no Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return (2 * s) / 2 ** 32 - 1;
  };
}

function signal(seconds: number, f: (t: number, i: number) => number): Float32Array {
  const n = Math.round(seconds * RATE);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = f(i / RATE, i);
  return y;
}

const within = (t: number, a: number, b: number): boolean => t >= a && t < b;

/** Tones with a gap, noise bursts (+ a near-silent stretch that the E0 < 0.01 mask zeroes), silence, a shorter stem. */
function syntheticStems(): StemSignal[] {
  const noise = lcg(7);
  const hiss = lcg(99);
  return [
    {
      key: "S01",
      samples: signal(6, (t) =>
        within(t, 0, 2) ? 0.5 * Math.sin(2 * Math.PI * 440 * t) : within(t, 3.5, 6) ? 0.3 * Math.sin(2 * Math.PI * 660 * t) : 0,
      ),
    },
    {
      key: "S02",
      samples: signal(6, (t) => {
        const v = noise();
        if (within(t, 1, 1.5) || within(t, 4, 5)) return 0.2 * v;
        return within(t, 2.2, 3.2) ? 1e-6 * hiss() : 0;
      }),
    },
    { key: "S03", samples: new Float32Array(Math.round(6 * RATE)) },
    { key: "S05", samples: signal(4.7, (t) => (within(t, 2, 3.5) ? 0 : 0.05 * Math.sin(2 * Math.PI * 110 * t))) },
  ];
}

/** An independent numpy/scipy transcription of docs/datasets.md §5 (MedleyDB's recipe). */
const ORACLE = String.raw`
import sys, json, base64, io
import numpy as np, scipy.signal
d = json.loads(sys.stdin.read())
stems = [np.frombuffer(base64.b64decode(s), dtype=np.float32) for s in d["stems"]]
win_len, hop = 4096, 2048
win = scipy.signal.windows.hann(win_len + 2)[1:-1]
n = max(len(s) for s in stems)
H = []
for s in stems:
    x = np.zeros(n, dtype=np.float32); x[:len(s)] = s
    x = np.concatenate([np.zeros(win_len - hop, dtype=np.float32), x])
    L = int(win_len * np.ceil(len(x) / win_len))
    x = np.concatenate([x, np.zeros(L - len(x), dtype=np.float32)])
    nfr = 1 + (len(x) - win_len) // hop
    frames = x[np.arange(win_len)[None, :] + hop * np.arange(nfr)[:, None]]
    frames = ((frames + np.abs(frames)) / 2) ** 0.5
    assert frames.dtype == np.float32
    H.append(np.mean(frames * win, axis=1))
H = np.array(H)
E0 = np.sum(H, axis=0)
with np.errstate(invalid="ignore", divide="ignore"):
    H = len(stems) * H / np.max(E0)
H[:, E0 < 0.01] = 0.0
b, a = scipy.signal.butter(2, 0.075, "low")
H = scipy.signal.filtfilt(b, a, H, axis=1)
C = 1.0 - (1.0 / (1.0 + np.exp(20.0 * (H - 0.15))))
t = np.arange(C.shape[1]) * hop / 44100.0
buf = io.StringIO()
np.savetxt(buf, np.vstack((t, C)).T, header="time," + ",".join(d["keys"]), delimiter=",", fmt="%.4f", comments="")
print(json.dumps({"C": C.tolist(), "t": t.tolist(), "masked": int(np.sum(E0 < 0.01)), "b": b.tolist(), "a": a.tolist(), "lab": buf.getvalue()}))
`;

interface Oracle {
  C: number[][];
  t: number[];
  masked: number;
  b: number[];
  a: number[];
  lab: string;
}

function oracle(stems: readonly StemSignal[]): Oracle {
  const input = JSON.stringify({
    keys: stems.map((s) => s.key),
    stems: stems.map((s) => Buffer.from(s.samples.buffer, s.samples.byteOffset, s.samples.byteLength).toString("base64")),
  });
  return JSON.parse(runPython(ORACLE, input)) as Oracle;
}

describe("activation confidence (MedleyDB recipe) vs an independent numpy/scipy implementation", () => {
  const stems = syntheticStems();
  const ref = oracle(stems);
  const table = computeActivationConfidence(stems);

  it("matches C per stem to 1e-9 before rounding", () => {
    expect(ref.masked, "the near-silent stretch exercises the E0 < 0.01 mask").toBeGreaterThan(5);
    expect(table.columns).toEqual(["S01", "S02", "S03", "S05"]);
    expect(table.values).toHaveLength(ref.C.length);
    table.values.forEach((col, i) => expectAllClose(col, ref.C[i] as number[], 1e-9, `C ${table.columns[i]}`));
    expectAllClose(table.times, ref.t, 1e-12, "time");
  });

  it("covers active, inactive and undershooting values", () => {
    const all = table.values.flatMap((c) => [...c]);
    expect(Math.max(...all)).toBeGreaterThan(0.99);
    expect(Math.min(...all)).toBeLessThan(0.0474);
  });

  it("uses scipy's butter(2, 0.075) coefficients", () => {
    const { b, a } = butterLowpass2(0.075);
    expectAllClose(b, ref.b, 1e-15, "b");
    expectAllClose(a, ref.a, 1e-15, "a");
  });

  it("writes the .lab text byte-for-byte like np.savetxt(fmt='%.4f')", () => {
    expect(formatLab(table)).toBe(ref.lab);
  });

  it("round-trips through the .lab parser to within the %.4f rounding", () => {
    const back = parseLab(formatLab(table), "computed.lab");
    expect(back.columns).toEqual(table.columns);
    expectAllClose(back.times, table.times, 5e-5 + 1e-12, "time");
    back.values.forEach((col, i) => expectAllClose(col, table.values[i] as Float64Array, 5e-5 + 1e-12, `round-trip ${back.columns[i]}`));
  });

  it("gives C(H=0) everywhere for an all-silent track, like numpy's masked 0/0", () => {
    const silent = [
      { key: "S01", samples: new Float32Array(RATE) },
      { key: "S02", samples: new Float32Array(RATE) },
    ];
    const r = oracle(silent);
    const c = computeActivationConfidence(silent);
    c.values.forEach((col, i) => expectAllClose(col, r.C[i] as number[], 1e-12, `silent ${i}`));
  });

  it("MATLAB hanning(n) has no zero end points and is symmetric", () => {
    const w = matlabHanning(8);
    expect(w[0]).toBeGreaterThan(0);
    expectAllClose([...w], [...w].reverse(), 1e-15, "symmetry");
  });

  it("refuses tracks shorter than filtfilt's padding", () => {
    expect(() => computeActivationConfidence([{ key: "S01", samples: new Float32Array(4 * 2048) }])).toThrow(/more than 9 frames/);
  });
});
