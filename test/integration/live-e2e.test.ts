/**
 * End to end, no sound hardware: a known recording played by a paced virtual ALSA capture device
 * (private PulseAudio) into `timbrescope live` (a child process with the stand-in model), OSC
 * recorded by liblo's oscdump inside a private network namespace, and the activity log.
 * Checks: one bundle per frame with every class, the guitar-solo trigger at the right times, and
 * the logged frames equal the offline pipeline on the same recording (live == offline).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPostConfig } from "../../src/config/post-config.js";
import { analyzeFile } from "../../src/pipeline/offline.js";
import { logFrames, readActivityLog } from "../../src/sinks/activity-log.js";
import { tempDir, wavBytes, writeFile } from "../helpers/audio-files.js";
import { expectAllClose } from "../helpers/close.js";
import { createScorer } from "../helpers/fake-scorer.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { tsNodeArgs } from "../helpers/spawn-ts.js";
import { startPrivatePulse, writeVirtualDevices } from "../helpers/virtual-audio.js";
import type { PrivatePulse } from "../helpers/virtual-audio.js";

const dir = tempDir("timbrescope-e2e-");
// Classes: 0 drums, 2 male singer, 3 distorted guitar. Singer 0-2 s, guitar solo 2-6.5 s, singer
// back 6.5-8.5 s, drums throughout; 0.5 s of near-silence so the last window's resampler look-ahead
// stays inside the recording (after its end the ALSA file plugin repeats stale data).
const song = sceneInt16(
  [
    { seconds: 2, classes: [0, 2] },
    { seconds: 4.5, classes: [0, 3] },
    { seconds: 2, classes: [0, 2] },
    { seconds: 0.5, classes: [] },
  ],
  48000,
);
const wav = writeFile(dir, "song.wav", wavBytes({ sampleRateHz: 48000, encoding: "pcm16", channels: song }));
const xdg = writeVirtualDevices(dir, [{ name: "song", channels: song }]);
let pulse: PrivatePulse | undefined;
afterAll(async () => pulse?.stop());

const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
const tagSec = (hex: string): number => {
  const [s, f] = hex.split(".").map((h) => parseInt(h, 16)) as [number, number];
  return s + f / 2 ** 32;
};

describe("live end to end (virtual device -> live -> OSC + log)", () => {
  it("sends one bundle per frame and the guitar-solo trigger at the right times; the log equals offline", async () => {
    pulse = await startPrivatePulse(dir);
    const oscLog = join(dir, "osc.log");
    const rec = join(dir, "rec.jsonl");
    const port = 58000 + Math.floor(Math.random() * 1000);
    const live = [
      process.execPath,
      ...tsNodeArgs("test/helpers/live-child.ts", [
        "live",
        "--model",
        "fake",
        "--device",
        "filecap_song_paced",
        "--channels",
        "1",
        "--rate",
        "48000",
        "--osc",
        `127.0.0.1:${port}`,
        "--no-server",
        "--record",
        rec,
        "--triggers",
        "config/triggers.example.yaml",
        "--duration",
        "8.5",
      ]),
    ]
      .map(q)
      .join(" ");
    const script = `ip link set lo up; oscdump -L ${port} > ${q(oscLog)} & P=$!; sleep 0.3; ${live}; S=$?; sleep 0.3; kill $P; exit $S`;
    const t0 = Date.now();
    execFileSync("unshare", ["-rn", "sh", "-c", script], {
      env: { ...process.env, ...pulse.env, XDG_CONFIG_HOME: xdg },
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 60_000,
    });
    const wallSec = (Date.now() - t0) / 1000;
    expect(wallSec).toBeGreaterThan(8.5); // paced: 8.5 s of audio take at least that long

    // OSC: bundles grouped by time tag (oscdump prints each bundled message with its bundle's tag).
    const lines = readFileSync(oscLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    const byTag = new Map<string, string[][]>();
    for (const l of lines)
      if (l[1]?.startsWith("/timbrescope/") && !l[1].startsWith("/timbrescope/status/")) byTag.set(l[0]!, [...(byTag.get(l[0]!) ?? []), l]);
    const tags = [...byTag.keys()];
    // --duration 8.5 at a 0.25 s hop: windows starting at 0 .. 7.5 s
    expect(tags.length).toBe(31);
    for (const t of tags) expect(byTag.get(t)!.filter((l) => l[1]!.startsWith("/timbrescope/activity/")).length).toBe(18);
    const t0Tag = tagSec(tags[0]!);
    // time tags = capture time of each window's last sample: 0.25 s apart on the device clock
    tags.forEach((t, k) => expect(Math.abs(tagSec(t) - t0Tag - k * 0.25)).toBeLessThan(0.05));
    const fired = lines
      .filter((l) => l[1]?.startsWith("/timbrescope/trigger/"))
      .map((l) => ({ rule: l[1]!.slice(21), on: l[3], t: tagSec(l[0]!) - t0Tag }));
    const solo = fired.filter((f) => f.rule === "guitar-solo");
    // The singer leaves the windows that start after ~1.5 s (they reach into the solo) -> the solo
    // condition holds from ~1.75-2 s; held 2 s -> enter ~3.75-4 s. The singer is back in windows
    // reaching well into 6.5 s -> the condition breaks at ~6-6.5 s; released 1 s -> exit ~7-7.5 s.
    expect(solo.map((f) => f.on)).toEqual(["1", "0"]);
    expect(solo[0]!.t).toBeGreaterThan(3.5);
    expect(solo[0]!.t).toBeLessThan(4.8);
    expect(solo[1]!.t).toBeGreaterThan(6.7);
    expect(solo[1]!.t).toBeLessThan(7.8);
    // vocals-in: the singer returns after > 4 s without one, held 0.5 s -> enter ~6.5-7 s.
    const vocals = fired.filter((f) => f.rule === "vocals-in");
    expect(vocals.map((f) => f.on)).toEqual(["1"]);
    expect(vocals[0]!.t).toBeGreaterThan(6.2);
    expect(vocals[0]!.t).toBeLessThan(7.3);
    expect(fired.filter((f) => f.rule === "drop")).toEqual([]); // drums never left

    // The activity log holds the same frames as the offline pipeline on the WAV (running level).
    const logged = logFrames(await readActivityLog(rec));
    const off = await analyzeFile(wav, createScorer({}), {
      hopSec: 0.25,
      normalization: { kind: "running" },
      post: await loadPostConfig("config/triggers.example.yaml"),
    });
    const n = 31;
    expect(logged.length).toBeGreaterThanOrEqual(n);
    expect(logged.slice(0, n).map((f) => f.startSample)).toEqual(off.frames.slice(0, n).map((f) => f.startSample));
    expectAllClose(
      logged.slice(0, n).flatMap((f) => f.raw),
      off.frames.slice(0, n).flatMap((f) => Array.from(f.raw)),
      1e-6,
      "raw scores",
    );
    expect(logged.slice(0, n).map((f) => f.triggers)).toEqual(
      off.frames.slice(0, n).map((f) => f.triggers.map((t) => ({ rule: t.rule, edge: t.edge }))),
    );
  });
});
