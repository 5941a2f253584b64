import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPython } from "../../helpers/python.js";
import { CLASS_INDEX_BY_LABEL } from "../../../src/data/classes.js";
import { labelledMixes, loadDataset } from "../../../src/data/dataset.js";
import { windowLabelsAt } from "../../../src/data/labels.js";
import { setLogWriter } from "../../../src/log.js";

const RATE = 44100;
const ID = "Synth_Computed";

/** 16-bit PCM mono WAV (written here so the test does not depend on src/audio's writer). */
function wav16(samples: Float64Array): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), i * 2));
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

function tone(seconds: number, on: (t: number) => boolean, f: number, amp: number): Float64Array {
  const y = new Float64Array(Math.round(seconds * RATE));
  for (let i = 0; i < y.length; i++) y[i] = on(i / RATE) ? amp * Math.sin((2 * Math.PI * f * i) / RATE) : 0;
  return y;
}

/**
 * A 6 s multitrack with no .lab: S01 piano plays 0-2.4 s, S02 drums 3.6-6 s, S03 a synth built as the
 * mean of two raws (no stem file, as Mixing Secrets groups raws). The mix is 5.5 s long.
 */
function buildRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "timbrescope-audio-"));
  const dir = join(root, "Audio", ID);
  mkdirSync(join(dir, `${ID}_STEMS`), { recursive: true });
  mkdirSync(join(dir, `${ID}_RAW`), { recursive: true });
  writeFileSync(join(dir, `${ID}_STEMS`, "piano.wav"), wav16(tone(6, (t) => t < 2.4, 440, 0.5)));
  writeFileSync(join(dir, `${ID}_STEMS`, "drums.wav"), wav16(tone(6, (t) => t >= 3.6, 150, 0.4)));
  writeFileSync(join(dir, `${ID}_RAW`, "synth_a.wav"), wav16(tone(6, (t) => t >= 1 && t < 2, 880, 0.3)));
  writeFileSync(join(dir, `${ID}_RAW`, "synth_b.wav"), wav16(tone(5, (t) => t >= 1 && t < 2, 1320, 0.3)));
  writeFileSync(join(dir, `${ID}_MIX.wav`), wav16(tone(5.5, () => true, 220, 0.1)));
  const yaml = [
    "artist: Synth",
    "has_bleed: 'no'",
    `mix_filename: ${ID}_MIX.wav`,
    `stem_dir: ${ID}_STEMS`,
    `raw_dir: ${ID}_RAW`,
    "origin: Independent Artist",
    "stems:",
    "  S01: {component: '', filename: piano.wav, instrument: piano}",
    "  S02: {component: '', filename: drums.wav, instrument: drum set}",
    "  S03:",
    "    component: ''",
    "    filename: synth_missing.wav",
    "    instrument: synthesizer",
    "    raw:",
    "      R01: {filename: synth_a.wav, instrument: synthesizer}",
    "      R02: {filename: synth_b.wav, instrument: synthesizer}",
  ].join("\n");
  mkdirSync(join(root, "Metadata"));
  writeFileSync(join(root, "Metadata", `${ID}_METADATA.yaml`), yaml);
  return root;
}

/** numpy/scipy: stems read like librosa (int16 / 32768 as float32), S03 = float32 mean of its raws, recipe of docs/datasets.md §5. */
const ORACLE = String.raw`
import sys, io, json, numpy as np, scipy.signal, scipy.io.wavfile as wf
arg = json.loads(sys.stdin.read())
def rd(sub, name):
    r, x = wf.read(arg["dir"] + "/" + arg["id"] + sub + "/" + name); assert r == 44100
    return (x.astype(np.float32) / np.float32(32768.0)).astype(np.float32)
s1 = rd("_STEMS", "piano.wav"); s2 = rd("_STEMS", "drums.wav")
a = rd("_RAW", "synth_a.wav"); b = rd("_RAW", "synth_b.wav")
b = np.pad(b, (0, len(a) - len(b))); s3 = ((a + b) / np.float32(2)).astype(np.float32)
win = scipy.signal.windows.hann(4098)[1:-1]
def env(x):
    x = np.concatenate([np.zeros(2048, np.float32), x])
    x = np.concatenate([x, np.zeros(int(4096 * np.ceil(len(x) / 4096)) - len(x), np.float32)])
    n = 1 + (len(x) - 4096) // 2048
    f = x[np.arange(4096)[None, :] + 2048 * np.arange(n)[:, None]]
    return np.mean((((f + np.abs(f)) / 2) ** 0.5) * win, axis=1)
H = np.array([env(s) for s in (s1, s2, s3)])
E0 = H.sum(axis=0); H = 3 * H / np.max(E0); H[:, E0 < 0.01] = 0
bb, aa = scipy.signal.butter(2, 0.075, "low")
C = 1 - 1 / (1 + np.exp(20 * (scipy.signal.filtfilt(bb, aa, H, axis=1) - 0.15)))
t = np.arange(C.shape[1]) * 2048 / 44100
buf = io.StringIO()
np.savetxt(buf, np.vstack((t, C)).T, header="time,S01,S02,S03", delimiter=",", fmt="%.4f", comments="")
sys.stdout.write(buf.getvalue())
`;

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe("tracks with audio", () => {
  it("computes activation confidence from stems (or raws) when no .lab exists, like numpy/scipy", async () => {
    const root = buildRoot();
    const cache = join(root, "computed");
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    restore = () => setLogWriter(prev);
    const ds = await loadDataset([root], { computedLabDir: cache });
    const t = ds.tracks[0];
    expect(ds.skipped).toEqual([]);
    if (t === undefined) throw new Error("no track");
    expect(t.annotationSource).toBe("computed");
    expect(lines.some((l) => l.includes(`${ID}: no activation-confidence file; computing it from 3 stems`))).toBe(true);
    expect(t.mixPath).toBe(join(root, "Audio", ID, `${ID}_MIX.wav`));
    expect(t.mixDurationSec).toBeCloseTo(5.5, 6);
    expect(t.labRows).toBe(131); // (6 s + 2048 pad) -> 66 blocks of 4096 -> 131 frames
    expect(t.labels.nWindows).toBe(5); // min(floor(130·2048/44100) = 6, floor(5.5 s of mix) = 5)
    const piano = CLASS_INDEX_BY_LABEL.get("piano") as number;
    const drums = CLASS_INDEX_BY_LABEL.get("drum set") as number;
    const synth = CLASS_INDEX_BY_LABEL.get("synthesizer") as number;
    expect([0, 1, 2, 3, 4].map((w) => windowLabelsAt(t.labels, w)[piano])).toEqual([1, 1, 1, 0, 0]);
    expect([0, 1, 2, 3, 4].map((w) => windowLabelsAt(t.labels, w)[drums])).toEqual([0, 0, 0, 1, 1]);
    expect(windowLabelsAt(t.labels, 1)[synth]).toBe(1);
    expect(windowLabelsAt(t.labels, 4)[synth]).toBe(0);
    const cached = join(cache, `${ID}_ACTIVATION_CONF.lab`);
    expect(existsSync(cached)).toBe(true);
    const stemDir = join(root, "Audio", ID);
    const py = runPython(ORACLE, JSON.stringify({ dir: stemDir, id: ID }));
    expect(readFileSync(cached, "utf8")).toBe(py);
    expect(labelledMixes(ds)).toEqual([{ id: ID, artistKey: "synth", mixPath: t.mixPath, labels: t.labels }]);

    lines.length = 0;
    const again = await loadDataset([root], { computedLabDir: cache });
    expect(lines.some((l) => l.includes("computing"))).toBe(false); // read back from the cache
    expect(again.tracks[0]?.labels).toEqual(t.labels);
  });

  it("skips a track without mix audio when the mix is required", async () => {
    const ds = await loadDataset([join(process.cwd(), "../shared/fixtures/multitrack-annotations/medleydb")], {
      requireMix: true,
      trackIds: new Set(["AmarLal_SpringDay1"]),
    });
    expect(ds.tracks).toEqual([]);
    expect(ds.skipped[0]?.reason).toMatch(/^mix audio AmarLal_SpringDay1_MIX\.wav not found in any Audio\/AmarLal_SpringDay1\/ folder$/);
  });
});
