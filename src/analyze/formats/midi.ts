/**
 * A Standard MIDI File with one track ("note lane") per instrument: each active segment becomes one
 * note spanning it, so the instruments appear as bars in any DAW's piano roll or arrangement. Track
 * c carries pitch {@link MIDI_BASE_NOTE} + c (its class index), its name is the instrument's name,
 * and the note velocity is the segment's peak score. Written with @tonejs/midi at 120 bpm (the
 * tempo only affects how ticks map to seconds; note times are exact to one tick).
 */
import midiPkg from "@tonejs/midi";
import type { FileAnalysis } from "../rows.js";
import { displayName } from "./table.js";

/** Pitch of class 0's lane (C2); class c uses MIDI_BASE_NOTE + c. */
export const MIDI_BASE_NOTE = 36;

/** The General MIDI percussion channel (0-based), skipped so lanes sound as notes. */
const DRUM_CHANNEL = 9;

/** MIDI file bytes for one file: one track per class that has at least one active segment. */
export function formatMidi(a: FileAnalysis): Uint8Array {
  const midi = new midiPkg.Midi();
  midi.header.setTempo(120);
  midi.header.name = a.file;
  const segments = a.segments;
  let lane = 0;
  for (let c = 0; c < a.labels.length; c++) {
    const mine = segments.filter((s) => s.column === c);
    if (mine.length === 0) continue;
    const track = midi.addTrack();
    track.name = displayName(a.labels[c] as string);
    const ch = lane % 15;
    track.channel = ch >= DRUM_CHANNEL ? ch + 1 : ch;
    lane++;
    for (const s of mine) {
      track.addNote({
        midi: MIDI_BASE_NOTE + c,
        time: s.startSec,
        duration: s.endSec - s.startSec,
        velocity: Math.min(1, Math.max(1 / 127, s.peak)),
      });
    }
  }
  return midi.toArray();
}
