/**
 * Hydrogen drum kits as GM kits (realism element `sampled`): the instrument names of the kits we
 * use map onto the keys the drum writer plays (kick, snare, hats, crash, ride, toms); GMRockKit
 * (Debian hydrogen-data, 6.7 MB, the one real kit the tests read) parses and plays by velocity
 * layer; a small fixture kit checks Hydrogen's layer rule and gains; the reserved kits
 * BJA_Pacific and Colombo are refused by name before anything of theirs is read.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DRUM } from "../../../../src/data/synth/drums.js";
import {
  assertKitAllowed,
  hydrogenKitSource,
  layerFor,
  mapKit,
  parseDrumkitXml,
  readKit,
  roleOfName,
  type KitInstrument,
} from "../../../../src/data/synth/hydrogen-kit.js";
import { decodeSample, HYDROGEN_DRUMKITS, isReservedKit, sampleSets } from "../../../../src/data/synth/sample-sets.js";

const root = mkdtempSync(join(tmpdir(), "ts-kit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Instrument names as the kits' drumkit.xml files spell them (ForzeeStereo, Millo_MultiLayered3, rumpf_kit_z01_h2). */
const KIT_NAMES: Record<string, readonly string[]> = {
  forzee: [
    'Kick (Tama Superstar 22")',
    'Tom Low (Tama Superstar 16")',
    'Tom Mid (Tama Superstar 13")',
    'Tom High (Tama Superstar 12")',
    "Snare (Pearl Free Floating Maple 14x3.5)",
    "Snare Rimshot (Pearl Free Floating Maple 14x3.5)",
    "Rim Click (Pearl Free Floating Maple 14x3.5)",
    'Hi-Hat Closed (Paiste Alpha Metal edge 14")',
    'Hi-Hat Open (Paiste Alpha Metal edge 14")',
    'Hi-Hat Semiopen (Paiste Alpha Metal edge 14")',
    'Hi-Hat Pedal (Paiste Alpha Metal edge 14")',
    'Ride (Custom, Zagrebin 22")',
    'Ride Bell (Custom, Zagrebin 22")',
    'China (Paiste Alpha 18")',
    'Crash/Ride (Paiste Rude Crash/Ride 18")',
    'Crash (Paiste Rude Thin 18")',
    'Splash (Paiste Rude 10")',
    "Tambourine Pedal (Pearl PTM-10GH)",
    "Stick",
  ],
  millo: [
    "Kick",
    "Stick",
    "Snare Roll",
    "Snare Rock",
    "Tom Low",
    "Closed HH",
    "Tom Mid",
    "Pedal HH",
    "Tom Hi",
    "Open HH",
    "Cowbell",
    "Ride Jazz",
    "Crash",
  ],
  rumpf: [
    "c3 - bass drum 1",
    "c#3 - stick",
    "d3 - snare 1",
    "d#3 - clap",
    "f#3 - hi-hat closed",
    "g#3 - hi-hat pedal",
    "a#3 - hi-hat open",
    "b3 - low tom",
    "c4 - middle tom",
    "c#4 - crash",
    "d4 - high tom",
    "d#4 - cymbal 1",
    "f4 - ride bell",
    "g#4 - cowbell",
    "Sample: beats_08-37.flac",
  ],
};

/** The instrument each kit must play on some of the writer's keys. */
const EXPECTED: Record<string, Partial<Record<number, RegExp>>> = {
  forzee: {
    [DRUM.kick]: /^Kick/,
    [DRUM.snare]: /^Snare \(/,
    [DRUM.closedHat]: /Closed/,
    [DRUM.openHat]: /Hat Open/,
    [DRUM.pedalHat]: /Pedal \(Paiste/,
    [DRUM.crash]: /^Crash \(/,
    [DRUM.crash2]: /Crash\/Ride/,
    [DRUM.ride]: /^Ride \(/,
    [DRUM.rideBell]: /Ride Bell/,
    [DRUM.sideStick]: /Rim Click/,
    [DRUM.tomFloor]: /Tom Low/,
    [DRUM.tomHigh]: /Tom High/,
    [DRUM.tomLowMid]: /Tom Mid/,
  },
  millo: {
    [DRUM.kick]: /^Kick$/,
    [DRUM.snare]: /Snare Rock/,
    [DRUM.closedHat]: /Closed HH/,
    [DRUM.openHat]: /Open HH/,
    [DRUM.pedalHat]: /Pedal HH/,
    [DRUM.crash]: /^Crash$/,
    [DRUM.ride]: /Ride Jazz/,
    [DRUM.tomHigh]: /Tom Hi/,
  },
  rumpf: {
    [DRUM.kick]: /bass drum 1/,
    [DRUM.snare]: /snare 1/,
    [DRUM.clap]: /clap/,
    [DRUM.closedHat]: /hat closed/,
    [DRUM.openHat]: /hat open/,
    [DRUM.pedalHat]: /hat pedal/,
    [DRUM.crash]: /c#4 - crash/,
    [DRUM.ride]: /cymbal 1/,
    [DRUM.rideBell]: /ride bell/,
    [DRUM.tomFloor]: /low tom/,
    [DRUM.tomHigh]: /high tom/,
  },
};

const fake = (names: readonly string[]): KitInstrument[] =>
  names.map((name) => ({ name, gain: 1, layers: [{ file: `${name}.wav`, min: 0, max: 1, gain: 1 }] }));

describe("Hydrogen kits", () => {
  it("map the kits' instrument names onto the GM keys the drum writer plays", () => {
    for (const [kit, names] of Object.entries(KIT_NAMES)) {
      const map = mapKit(fake(names), 0);
      for (const key of Object.values(DRUM)) expect(map.has(key), `${kit} key ${key}`).toBe(true);
      for (const [key, re] of Object.entries(EXPECTED[kit] ?? {})) {
        expect(map.get(Number(key))?.name, `${kit} key ${key}`).toMatch(re as RegExp);
      }
    }
    const unused = ["Snare Roll", "Hi-Hat Semiopen", "Tambourine Pedal", "Cowbell", "Sample: beats_08-37.flac"];
    expect(unused.map(roleOfName)).toEqual(unused.map(() => undefined));
    expect(() => mapKit(fake(["Cowbell", "Tambourine"]), 0)).toThrow(/lacks/);
  });

  it("play GMRockKit (hydrogen-data) by velocity layer on the writer's keys", () => {
    const dir = join(HYDROGEN_DRUMKITS, "GMRockKit");
    const kit = readKit(dir);
    const map = mapKit(kit, 0);
    const keys = [DRUM.kick, DRUM.snare, DRUM.closedHat, DRUM.pedalHat, DRUM.openHat, DRUM.crash, DRUM.ride];
    expect(keys.map((k) => map.get(k)?.name)).toEqual(["Kick", "Snare", "Hat Closed", "Hat Pedal", "Hat Open", "Crash", "Ride"]);
    const kick = map.get(DRUM.kick) as KitInstrument;
    expect(kick.layers.length).toBe(5);
    expect(layerFor(kick, 0.1).file).toBe("Kick-Softest.wav");
    expect(layerFor(kick, 0.95).file).toBe("Kick-Hardest.wav");
    const src = hydrogenKitSource(dir, "gm-rock-kit", 0, 22050);
    const soft = src.render(DRUM.kick, 24, 0, undefined);
    const hard = src.render(DRUM.kick, 120, 0, undefined);
    const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak(hard)).toBeGreaterThan(2 * peak(soft));
    expect(peak(src.render(DRUM.snare, 100, 0, undefined))).toBeGreaterThan(0.01);
  });

  it("pick the first layer whose range holds velocity/127 and scale by velocity, layer and instrument gain", () => {
    const dir = join(root, "FixtureKit");
    mkdirSync(dir);
    // Two layers of a kick: a quiet and a loud 100 Hz burst.
    for (const [f, amp] of [
      ["soft.wav", 0.2],
      ["hard.wav", 0.8],
    ] as const) {
      execFileSync("sox", ["-n", "-r", "22050", "-c", "1", "-b", "16", join(dir, f), "synth", "0.1", "sine", "100", "vol", String(amp)]);
    }
    writeFileSync(
      join(dir, "drumkit.xml"),
      `<drumkit_info><name>Fixture &amp; Co</name><instrumentList>
<instrument><id>0</id><name>Kick</name><volume>0.5</volume><gain>2</gain>
<layer><filename>soft.wav</filename><min>0</min><max>0.5</max><gain>1</gain></layer>
<layer><filename>hard.wav</filename><min>0.5</min><max>1</max><gain>1.5</gain></layer></instrument>
<instrument><id>1</id><filename>hard.wav</filename><name>Snare</name><volume>1</volume></instrument>
<instrument><id>2</id><filename>soft.wav</filename><name>Closed HH</name></instrument>
<instrument><id>3</id><filename>soft.wav</filename><name>Crash</name></instrument>
<instrument><id>4</id><filename>emptySample.flac</filename><name>17</name></instrument>
</instrumentList></drumkit_info>`,
    );
    const kit = readKit(dir);
    expect(kit.map((i) => [i.name, i.gain, i.layers.length])).toEqual([
      ["Kick", 1, 2],
      ["Snare", 1, 1],
      ["Closed HH", 1, 1],
      ["Crash", 1, 1],
    ]);
    const src = hydrogenKitSource(dir, "fixture", 0, 22050);
    const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // sox decodes 6 dB down (headroom): 0.8 -> 0.4. Loud: 0.4 × v (100/127) × 1.5 × 1.
    expect(peak(src.render(DRUM.kick, 100, 0, undefined))).toBeCloseTo(0.4 * (100 / 127) * 1.5, 2);
    expect(peak(src.render(DRUM.kick, 40, 0, undefined))).toBeCloseTo(0.1 * (40 / 127), 2);
    expect(parseDrumkitXml("<drumkit_info><name>Fixture &amp; Co</name></drumkit_info>")).toEqual([]);
  });

  it("refuse the reserved kits BJA_Pacific and Colombo by name, before reading them", () => {
    for (const name of ["BJA_Pacific", "bja-pacific", "ColomboAcousticDrumkit", "colombo"]) expect(isReservedKit(name)).toBe(true);
    for (const set of sampleSets()) expect(isReservedKit(set.dir), set.dir).toBe(false);
    expect(() => assertKitAllowed(join(HYDROGEN_DRUMKITS, "BJA_Pacific"))).toThrow(/reserved/);
    expect(() => assertKitAllowed(join(HYDROGEN_DRUMKITS, "ColomboAcousticDrumkit"))).toThrow(/reserved/);
    // A copy of a playable kit under a reserved name is refused too: the name decides, not the content.
    const dir = join(root, "Colombo");
    mkdirSync(dir);
    writeFileSync(join(dir, "drumkit.xml"), "<drumkit_info><instrumentList></instrumentList></drumkit_info>");
    expect(() => readKit(dir)).toThrow(/reserved/);
    expect(() => hydrogenKitSource(dir, "x", 0, 22050)).toThrow(/reserved/);
    expect(() => decodeSample(join(HYDROGEN_DRUMKITS, "BJA_Pacific", "kick.flac"), 22050)).toThrow(/reserved/);
  });
});
