/**
 * Renders one composed song to disk in MedleyDB layout: every part to a dry stem (cached note
 * renders), effects, mix, activation confidence from the written stems (MedleyDB's recipe, the
 * same code the reader uses), then the mix, optional stems, the `.lab` file and the metadata.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MEDLEYDB_ACTIVATION_PARAMS, computeActivationConfidence, type ActivationParams } from "../activation-conf.js";
import { formatLab, LAB_SUFFIX, type LabTable } from "../lab.js";
import { METADATA_SUFFIX } from "../metadata.js";
import { cabinetIr } from "./cabinets.js";
import { applyFx } from "./effects.js";
import { gestureSummary } from "./expressive.js";
import { formatMetadataYaml, type StemEntry, type SynthValue } from "./metadata-writer.js";
import { masterMix } from "./master.js";
import { mixStems, samplePeak } from "./mix.js";
import type { NoteCache } from "./note-cache.js";
import { renderPart, type NoteSource } from "./part-renderer.js";
import type { Realism } from "./realism.js";
import { cabinetInfo, samplerPart } from "./sampler-source.js";
import { songSeconds, type Part, type Song, type Sustainer } from "./score.js";
import { singerSource, voiceByName } from "./singer.js";
import { SoundfontVoice, type PresetRef } from "./soundfont-voice.js";
import type { BankInfo } from "./soundbanks.js";
import { tablaSource } from "./tabla.js";
import { encodeWav16 } from "./wav-writer.js";

/** Stems quieter than this peak are dropped (a part whose notes made no sound). */
const SILENT_PEAK = 1e-4;

/** Shared, per-process rendering state. */
export interface RenderContext {
  readonly sampleRateHz: number;
  readonly banks: readonly BankInfo[];
  readonly cache: NoteCache;
  /** One SoundfontVoice per bank name (created on first use). */
  readonly voices: Map<string, SoundfontVoice>;
  /** Realism elements switched on (realism.ts); absent = none. */
  readonly realism?: Realism;
}

/** What one rendered track produced. */
export interface TrackResult {
  readonly id: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly lab: LabTable;
  /** Stem key -> class label, for the class-balance report. */
  readonly stemLabels: ReadonlyMap<string, string>;
}

/** Track naming and output options. */
export interface TrackWriteOptions {
  readonly outDir: string;
  readonly artist: string;
  readonly title: string;
  readonly keepStems: boolean;
  /** Song-level generator parameters for the metadata. */
  readonly synth: Readonly<Record<string, SynthValue>>;
  /**
   * Name of the song's random stream (`synth/<seed>/track/<k>`); the mastering chain (realism
   * `master`) draws from `<seedKey>/realism/master`. Default `track/<id>`.
   */
  readonly seedKey?: string;
}

/** Activation-confidence parameters for a stem rate: 2048/1024 at 22.05 kHz keeps the 46.4 ms grid (docs/synthetic-data.md §9). */
export function activationParamsFor(sampleRateHz: number): ActivationParams {
  return { ...MEDLEYDB_ACTIVATION_PARAMS, sampleRateHz, winLen: Math.round((MEDLEYDB_ACTIVATION_PARAMS.winLen * sampleRateHz) / 44100) };
}

/** Renders and writes one track. */
export async function renderTrack(ctx: RenderContext, song: Song, w: TrackWriteOptions): Promise<TrackResult> {
  const sr = ctx.sampleRateHz;
  const id = `${w.artist}_${w.title}`;
  const totalSamples = Math.ceil(songSeconds(song) * sr);
  const timing = { bpm: song.bpm, leadInSec: song.leadInSec, sampleRateHz: sr, totalSamples };
  const rendered: { part: Part; audio: Float32Array; info: Record<string, SynthValue> }[] = [];
  for (const part of song.parts) {
    const { source, info, played = part } = await noteSource(ctx, part, song);
    const audio = renderPart(played, source, timing, ctx.cache);
    applyFx(audio, part.fx, sr, part.fx.cabinet === undefined ? undefined : cabinetIr(part.fx.cabinet, sr));
    fadeOut(audio, song, sr);
    if (samplePeak(audio) >= SILENT_PEAK) rendered.push({ part, audio, info });
  }
  const { stems, mix, stemGains } = mixStems(
    rendered.map((r) => r.audio),
    rendered.map((r) => r.part.fx),
  );
  const keys = rendered.map((_, i) => `S${String(i + 1).padStart(2, "0")}`);
  const lab = computeActivationConfidence(
    stems.map((samples, i) => ({ key: keys[i] as string, samples })),
    activationParamsFor(sr),
  );
  // Mastering (realism `master`) changes the written mix only: stems and labels are fixed above.
  const mastered = ctx.realism?.master === true ? await masterMix(mix, sr, w.seedKey ?? `track/${id}`) : undefined;

  const audioDir = join(w.outDir, "Audio", id);
  const stemDir = `${id}_STEMS`;
  await mkdir(audioDir, { recursive: true });
  let bytes = 0;
  const put = async (path: string, data: Buffer | string): Promise<void> => {
    await writeFile(path, data);
    bytes += typeof data === "string" ? Buffer.byteLength(data) : data.length;
  };
  await put(join(audioDir, `${id}_MIX.wav`), encodeWav16([mastered?.mix ?? mix], sr));
  if (w.keepStems) {
    await mkdir(join(audioDir, stemDir), { recursive: true });
    for (let i = 0; i < stems.length; i++)
      await put(join(audioDir, stemDir, `${id}_STEM_${keys[i]?.slice(1)}.wav`), encodeWav16([stems[i] as Float32Array], sr));
  }
  const labDir = join(w.outDir, "Annotations", "Activation_Confidence", "v2");
  await mkdir(labDir, { recursive: true });
  await put(join(labDir, `${id}${LAB_SUFFIX}`), formatLab(lab));
  const entries: StemEntry[] = rendered.map((r, i) => ({
    key: keys[i] as string,
    component: r.part.component,
    filename: `${id}_STEM_${keys[i]?.slice(1)}.wav`,
    instrument: r.part.label,
    rawFilename: `${id}_RAW_${keys[i]?.slice(1)}_01.wav`,
    synth: {
      part: r.part.id,
      role: r.part.role,
      ...r.info,
      notes: r.part.notes.length,
      ...gestureInfo(r.part),
      ...fxInfo(r.part),
      mix_gain: Number((stemGains[i] ?? 0).toFixed(6)),
    },
  }));
  const yaml = formatMetadataYaml({
    artist: w.artist,
    title: w.title,
    genre: song.genre,
    instrumental: !rendered.some((r) => r.part.label.endsWith("singer")),
    mixFilename: `${id}_MIX.wav`,
    stemDir,
    rawDir: `${id}_RAW`,
    stems: entries,
    synth: {
      ...w.synth,
      sample_rate: sr,
      duration_sec: Number((totalSamples / sr).toFixed(3)),
      stems_kept: w.keepStems,
      ...(mastered === undefined ? {} : { master: mastered.info }),
    },
  });
  const metaDir = join(w.outDir, "Metadata");
  await mkdir(metaDir, { recursive: true });
  await put(join(metaDir, `${id}${METADATA_SUFFIX}`), yaml);
  return { id, seconds: totalSamples / sr, bytes, lab, stemLabels: new Map(rendered.map((r, i) => [keys[i] as string, r.part.label])) };
}

/** The song's fade-out (a raised-cosine ramp ending where the last bar ends), applied to a stem. */
function fadeOut(x: Float32Array, song: Song, sr: number): void {
  if (song.fadeOutSec <= 0) return;
  const end = Math.min(x.length, Math.round((songSeconds(song) - song.tailSec) * sr));
  const len = Math.round(song.fadeOutSec * sr);
  const start = Math.max(0, end - len);
  for (let i = start; i < end; i++) x[i] = (x[i] as number) * 0.5 * (1 + Math.cos((Math.PI * (i - start)) / (end - start)));
  x.fill(0, end);
}

/** The part's gestures (realism element `expressive`), e.g. `{ gestures: "bend 12, vibrato 30" }`; empty without any. */
function gestureInfo(part: Part): Record<string, SynthValue> {
  const summary = gestureSummary(part.notes);
  return summary === undefined ? {} : { gestures: summary };
}

/** A sustainer as the metadata records it, e.g. `-22.0 dB 6.1:1 attack 8 ms release 410 ms`. */
function sustainInfo(s: Sustainer): string {
  return `${s.thresholdDb.toFixed(1)} dB ${s.ratio.toFixed(1)}:1 attack ${Math.round(s.attackMs)} ms release ${Math.round(s.releaseMs)} ms`;
}

function fxInfo(part: Part): Record<string, SynthValue> {
  const f = part.fx;
  return {
    gain_db: Number(f.gainDb.toFixed(2)),
    pan: Number(f.pan.toFixed(2)),
    eq: f.eq.map((b) => `${Math.round(b.hz)}Hz ${b.db.toFixed(1)}dB Q${b.q.toFixed(2)}`),
    highpass_hz: Math.round(f.highPassHz),
    lowpass_hz: Math.round(f.lowPassHz),
    drive: Number(f.drive.toFixed(2)),
    amp: f.amp === true,
    ...(f.ampGainDb === undefined ? {} : { amp_gain_db: Number(f.ampGainDb.toFixed(1)) }),
    ...(f.toneHz === undefined ? {} : { tone_hz: Math.round(f.toneHz) }),
    ...(f.sustain === undefined ? {} : { sustain: sustainInfo(f.sustain) }),
    reverb_wet: Number(f.reverbWet.toFixed(3)),
    reverb_room: Number(f.reverbRoom.toFixed(3)),
    ...cabinetInfo(f),
  };
}

/** The note source of a part, what to record about it in the metadata, and the part as played when that differs (strums). */
async function noteSource(
  ctx: RenderContext,
  part: Part,
  song: Song,
): Promise<{ source: NoteSource; info: Record<string, SynthValue>; played?: Part }> {
  const sr = ctx.sampleRateHz;
  const src = part.source;
  switch (src.kind) {
    case "singer": {
      const voice = voiceByName(src.voice);
      return { source: singerSource(voice, sr), info: { voice: voice.name } };
    }
    case "sampler":
      return samplerPart(src, part, song.bpm, sr);
    case "tabla": {
      // The dayan is tuned to the tonic: shift the set by up to ±1.5 semitones with the key.
      const semitones = Number((((song.tonicPc % 6) - 2.5) * 0.6).toFixed(2));
      return { source: tablaSource(sr, semitones), info: { soundfont: "sonic-pi-tabla", tuning_semitones: semitones } };
    }
    case "soundfont": {
      const bank = ctx.banks.find((b) => b.name === src.bank);
      if (bank === undefined) throw new Error(`part ${part.id}: bank ${src.bank} not loaded`);
      let voice = ctx.voices.get(bank.name);
      if (voice === undefined) {
        voice = new SoundfontVoice(bank, sr);
        await voice.ready();
        ctx.voices.set(bank.name, voice);
      }
      const ref: PresetRef = voice.resolve({ bankNumber: src.bankNumber, program: src.program, drums: src.drums });
      const v = voice;
      const source: NoteSource = {
        id: `sf:${bank.name}:${ref.drums ? "d" : "m"}:${ref.bankNumber}:${ref.program}:${sr}`,
        velocityLayers: true,
        fixedHoldSec: ref.drums ? 0.3 : undefined,
        render: (key, vel, hold) => v.renderNote(ref, key, vel, hold),
      };
      return { source, info: { soundfont: bank.name, bank: ref.drums && bank.kind === "gm" ? 128 : ref.bankNumber, program: ref.program } };
    }
  }
}
