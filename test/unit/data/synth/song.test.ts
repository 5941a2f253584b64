import { describe, expect, it } from "vitest";
import { CLASSES } from "../../../../src/data/classes.js";
import { artistBlocks, featuredClass, makeArtist } from "../../../../src/data/synth/artists.js";
import { HAT_CHOKE } from "../../../../src/data/synth/drums.js";
import { INSTRUMENTS } from "../../../../src/data/synth/instruments.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import { songBars, songSeconds, type Song } from "../../../../src/data/synth/score.js";
import { LYRIC_WORDS, BACKING_WORDS, voiceByName } from "../../../../src/data/synth/singer.js";
import { composeSong } from "../../../../src/data/synth/song.js";
import { STYLES } from "../../../../src/data/synth/styles.js";

const SEED = 4;
const N = 72;
const blocks = artistBlocks(SEED, N);

function song(k: number, minutes = 2, gmBanks = ["fluidr3", "timgm6mb"], avoid?: ReadonlyMap<string, readonly string[]>): Song {
  const block = blocks.find((b) => k >= b.first && k < b.first + b.size);
  if (block === undefined) throw new Error(`no block for ${k}`);
  const artist = makeArtist(block, { seed: SEED, gmBanks, styles: [], voices: [] });
  const banks = { gm: gmBanks, kits: ["avl-black-pearl"], ...(avoid === undefined ? {} : { avoid }) };
  return composeSong(new Rng(`synth/${SEED}/track/${k}`), artist, {
    minutes,
    banks,
    featured: [featuredClass(SEED, k), ...(artist.signature === undefined ? [] : [artist.signature])],
  });
}

/** (label, bank) of every melodic SoundFont part of the songs. */
function partBanks(list: readonly Song[]): [string, string][] {
  return list.flatMap((s) =>
    s.parts.flatMap((p) => (p.source.kind === "soundfont" && !p.source.drums ? [[p.label, p.source.bank] as [string, string]] : [])),
  );
}

const songs = Array.from({ length: N }, (_, k) => song(k));

describe("song composition", () => {
  it("is deterministic", () => {
    expect(JSON.stringify(song(5))).toBe(JSON.stringify(songs[5]));
  });

  it("keeps tempi, meters, forms and lengths plausible", () => {
    for (const s of songs) {
      const style = STYLES.find((x) => x.name === s.style);
      expect(style).toBeDefined();
      expect(s.bpm).toBeGreaterThanOrEqual(60);
      expect(s.bpm).toBeLessThanOrEqual(190);
      expect([3, 4]).toContain(s.beatsPerBar);
      let bar = 0;
      for (const sec of s.sections) {
        expect(sec.startBar).toBe(bar);
        expect(sec.chords.length).toBe(sec.bars);
        bar += sec.bars;
      }
      expect(songBars(s)).toBe(bar);
      // 2 minutes wanted; the form lands within about ±25 % plus lead-in and tail
      expect(songSeconds(s)).toBeGreaterThan(80);
      expect(songSeconds(s)).toBeLessThan(160);
      expect(s.parts.length).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(songs.map((s) => s.style)).size).toBeGreaterThanOrEqual(8);
    const kinds = new Set(songs.flatMap((s) => s.sections.map((x) => x.kind)));
    for (const k of ["intro", "verse", "chorus", "solo", "outro"]) expect(kinds.has(k as never)).toBe(true);
  });

  it("writes notes inside each instrument's range, the song and MIDI limits", () => {
    const problems: string[] = [];
    const words = new Set<string>([...LYRIC_WORDS, ...BACKING_WORDS]);
    for (const s of songs) {
      const beats = songBars(s) * s.beatsPerBar;
      for (const p of s.parts) {
        const spec = INSTRUMENTS[p.label];
        if (spec === undefined) problems.push(`unknown label ${p.label}`);
        const sex = p.source.kind === "singer" ? voiceByName(p.source.voice).sex : undefined;
        const range = sex !== undefined ? INSTRUMENTS[`${sex} singer`] : spec;
        // Synth basses and drones may sit below the class's usual register.
        const slack = p.label === "synthesizer" || p.role === "drone" ? 24 : 0;
        for (const n of p.notes) {
          const where = `${s.style} ${p.id} (${p.label}) beat ${n.beat.toFixed(2)} key ${n.key}`;
          if (!(n.beat >= 0 && n.beat <= beats + 0.1)) problems.push(`${where}: outside the song`);
          if (!(n.beats > 0)) problems.push(`${where}: length ${n.beats}`);
          if (!(Number.isInteger(n.vel) && n.vel >= 1 && n.vel <= 127)) problems.push(`${where}: velocity ${n.vel}`);
          if (
            p.label !== "drum set" &&
            p.label !== "tabla" &&
            range !== undefined &&
            !(n.key >= range.low - slack && n.key <= range.high)
          ) {
            problems.push(`${where}: outside ${range.low}..${range.high}`);
          }
          if (sex !== undefined && !words.has(n.syl ?? "")) problems.push(`${where}: syllable ${n.syl}`);
        }
        if (p.label === "drum set" && p.chokeKeys.join() !== HAT_CHOKE.join()) problems.push(`${p.id}: no hi-hat choke`);
        if (p.label.endsWith("singer") && p.component !== "melody") problems.push(`${p.id}: singer component ${p.component}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("has band-sized line-ups, and a guest joins the band rather than replacing it", () => {
    const sizes = songs.map((s) => s.parts.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(8);
    const guests = songs.filter((s) => s.parts.some((p) => p.id === "guest") && s.style !== "solo");
    expect(guests.length).toBeGreaterThan(0);
    for (const s of guests) expect(s.parts.length, s.style).toBeGreaterThanOrEqual(3);
  });

  it("leaves only breaks silent as a whole", () => {
    const silent: string[] = [];
    for (const s of songs) {
      for (const sec of s.sections) {
        if (sec.kind === "break") continue;
        const [a, b] = [sec.startBar * s.beatsPerBar - 0.1, (sec.startBar + sec.bars) * s.beatsPerBar - 0.1];
        if (!s.parts.some((p) => p.notes.some((n) => n.beat >= a && n.beat < b))) silent.push(`${s.style} ${sec.kind}@${sec.startBar}`);
      }
    }
    expect(silent).toEqual([]);
  });

  it("puts every class in some song, and featured classes in their songs", () => {
    const labels = new Set(songs.flatMap((s) => s.parts.map((p) => p.label)));
    for (const c of CLASSES) expect(labels.has(c.label), c.label).toBe(true);
    songs.forEach((s, k) =>
      expect(
        s.parts.some((p) => p.label === featuredClass(SEED, k)),
        `track ${k}`,
      ).toBe(true),
    );
    // A band keeps its signature instrument (its first track's featured class) in every song.
    for (const b of blocks) {
      const artist = makeArtist(b, { seed: SEED, gmBanks: ["fluidr3", "timgm6mb"], styles: [], voices: [] });
      if (artist.signature === undefined) continue;
      for (let k = b.first; k < Math.min(N, b.first + b.size); k++)
        expect(
          songs[k]?.parts.some((p) => p.label === artist.signature),
          `track ${k}`,
        ).toBe(true);
    }
  });

  it("repeats material: equal themes of equal length replay the same lead line", () => {
    let compared = 0;
    for (const s of songs) {
      const lead = s.parts.find((p) => p.id === "lead");
      if (lead === undefined) continue;
      const byTheme = new Map<string, number[]>();
      for (const sec of s.sections) {
        const key = `${sec.kind}/${sec.bars}`;
        byTheme.set(key, [...(byTheme.get(key) ?? []), sec.startBar]);
      }
      for (const [key, starts] of byTheme) {
        if (starts.length < 2 || !key.startsWith("chorus")) continue;
        const bars = Number(key.split("/")[1]);
        const pitches = (start: number): number[] =>
          lead.notes
            .filter((n) => n.beat >= start * s.beatsPerBar - 0.2 && n.beat < (start + bars) * s.beatsPerBar - 0.2)
            .map((n) => n.key);
        const [a, b] = [pitches(starts[0] as number), pitches(starts[1] as number)];
        if (a.length === 0 || b.length === 0) continue; // the lead rested in one of them
        expect(b).toEqual(a);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3);
  });

  it("never gives a bank a class it avoids while another bank can play it, and changes nothing else", () => {
    const avoid = new Map([["fluidr3", ["cello", "electric piano"]]]);
    const avoiding = Array.from({ length: N }, (_, k) => song(k, 2, ["fluidr3", "timgm6mb"], avoid));
    const pairs = partBanks(avoiding);
    const avoided = pairs.filter(([label]) => label === "cello" || label === "electric piano");
    expect(avoided.length).toBeGreaterThan(5);
    expect(avoided.every(([, bank]) => bank === "timgm6mb")).toBe(true);
    // without the rule some of those parts were on fluidr3; the other parts are as before
    const before = partBanks(songs);
    expect(before.some(([label, bank]) => (label === "cello" || label === "electric piano") && bank === "fluidr3")).toBe(true);
    const others = (list: [string, string][]): [string, string][] =>
      list.filter(([label]) => label !== "cello" && label !== "electric piano");
    expect(others(pairs)).toEqual(others(before));
    expect(others(pairs).some(([, bank]) => bank === "fluidr3")).toBe(true);
    // a corpus of avoiding banks only still gets its cellos (from those banks)
    const alone = partBanks(Array.from({ length: 24 }, (_, k) => song(k, 2, ["fluidr3"], avoid)));
    expect(alone.filter(([label]) => label === "cello").length).toBeGreaterThan(0);
  });

  it("features each class once in every 18 consecutive tracks and names artists without '_'", () => {
    for (let cycle = 0; cycle < 3; cycle++) {
      const f = Array.from({ length: 18 }, (_, i) => featuredClass(SEED, cycle * 18 + i));
      expect(new Set(f).size).toBe(18);
    }
    let next = 0;
    for (const b of blocks) {
      expect(b.first).toBe(next);
      expect(b.size >= 1 && b.size <= 4).toBe(true);
      next += b.size;
      expect(makeArtist(b, { seed: SEED, gmBanks: ["fluidr3"], styles: [], voices: [] }).name).not.toContain("_");
    }
  });
});
