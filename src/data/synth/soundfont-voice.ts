/**
 * Renders single notes of a SoundFont preset with spessasynth_core, dry (effects off), mono.
 *
 * The generator renders each DISTINCT note of a song once (same preset, key, velocity layer and
 * held length) and overlap-adds copies (note-cache.ts, part-renderer.ts). A SoundFont voice is a
 * linear, time-invariant function of its note-on/note-off pair (sample playback through
 * envelopes, LFOs and a filter that all restart at note-on), so the sum of isolated renders
 * equals a continuous render except for voice stealing and exclusive classes, which the part
 * renderer handles explicitly (hi-hat choke, monophonic cut-offs). This is what makes the
 * pipeline run at hundreds of times real time: songs repeat their notes a lot.
 */
import { SpessaSynthProcessor } from "spessasynth_core";
import { loadBank, hasPreset, type BankInfo } from "./soundbanks.js";

/** Longest release tail kept after note-off, seconds (longer tails are faded out). */
export const MAX_TAIL_SEC = 2.5;
/** Longest held length rendered, seconds. */
export const MAX_HOLD_SEC = 12;
/** Fade applied when a tail is cut at MAX_TAIL_SEC, seconds. */
const CUT_FADE_SEC = 0.05;
/** Tail samples below this magnitude are trimmed (-100 dBFS). */
const SILENT = 1e-5;
/** spessasynth's maximum block size. */
const BLOCK = 128;
/** MIDI channel used for melodic presets and for kit banks; drums use the GM drum channel. */
const MELODIC_CH = 0;
const DRUM_CH = 9;

/** What to play. */
export interface PresetRef {
  readonly bankNumber: number;
  readonly program: number;
  readonly drums: boolean;
}

/** Renders notes of any preset of one bank at one sample rate. */
export class SoundfontVoice {
  private readonly synth: SpessaSynthProcessor;
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private current = "";
  /** Set once `ready()` resolved. */
  private initialised = false;

  constructor(
    readonly bank: BankInfo,
    readonly sampleRateHz: number,
  ) {
    this.synth = new SpessaSynthProcessor(sampleRateHz, { effectsEnabled: false, eventsEnabled: false });
    this.synth.soundBankManager.addSoundBank(loadBank(bank), bank.name);
    this.synth.setSystemParameter("autoAllocateVoices", true);
    // A missing preset is handled by `resolve` before any note; never log from the library.
    this.synth.onMissingPreset = () => undefined;
    const n = Math.ceil((MAX_HOLD_SEC + MAX_TAIL_SEC) * sampleRateHz) + BLOCK;
    this.left = new Float32Array(n);
    this.right = new Float32Array(n);
  }

  /** Waits for the processor (needed for .sf3 banks, whose samples decode lazily). */
  async ready(): Promise<void> {
    await this.synth.processorInitialized;
    this.initialised = true;
  }

  /**
   * The preset that will actually sound for a request: the bank's own kit/variation when it has
   * it, else the plain GM program (kit 0 for drums). Kit banks always play their one preset.
   */
  resolve(ref: PresetRef): PresetRef {
    const bank = loadBank(this.bank);
    if (this.bank.kind === "kit") return { bankNumber: 0, program: 0, drums: true };
    if (hasPreset(bank, ref.bankNumber, ref.program, ref.drums)) return ref;
    if (ref.drums) return { bankNumber: 128, program: 0, drums: true };
    return { bankNumber: 0, program: ref.program, drums: false };
  }

  /**
   * Renders one note: note-on at sample 0, note-off after `holdSamples`, then the release until
   * the voice ends (at most MAX_TAIL_SEC). Returns the mono (L+R)/2 signal, trailing silence
   * trimmed. `ref` must come from `resolve`.
   */
  renderNote(ref: PresetRef, key: number, velocity: number, holdSamples: number): Float32Array {
    if (!this.initialised) throw new Error("SoundfontVoice.renderNote before ready()");
    const sr = this.sampleRateHz;
    const hold = Math.min(Math.max(1, Math.round(holdSamples)), Math.round(MAX_HOLD_SEC * sr));
    const total = hold + Math.round(MAX_TAIL_SEC * sr);
    const ch = this.select(ref);
    const L = this.left;
    const R = this.right;
    L.fill(0, 0, total);
    R.fill(0, 0, total);
    // Every note starts at synth time 0. spessasynth times modulation envelopes and LFOs in
    // absolute seconds (currentTime - startTime); left running, the clock makes renders of the
    // same note differ in the last bits depending on what was rendered before, and the note
    // cache would then make output bytes depend on the order tracks are generated in.
    resetClock(this.synth);
    this.synth.noteOn(ch, key, velocity);
    let i = 0;
    let released = false;
    while (i < total) {
      if (!released && i >= hold) {
        this.synth.noteOff(ch, key);
        released = true;
      }
      const len = Math.min(BLOCK, total - i, released ? BLOCK : hold - i);
      this.synth.process(L, R, i, len);
      i += len;
      if (released && this.synth.voiceCount === 0) break;
    }
    const cut = this.synth.voiceCount > 0;
    if (cut) this.synth.stopAllChannels(true);
    let end = i;
    while (end > 0 && Math.abs((L[end - 1] as number) + (R[end - 1] as number)) < 2 * SILENT) end--;
    const out = new Float32Array(Math.max(end, 1));
    for (let k = 0; k < end; k++) out[k] = 0.5 * ((L[k] as number) + (R[k] as number));
    if (cut) fadeOutTail(out, Math.round(CUT_FADE_SEC * sr));
    return out;
  }

  private select(ref: PresetRef): number {
    const id = `${ref.drums}:${ref.bankNumber}:${ref.program}`;
    const ch = ref.drums && this.bank.kind === "gm" ? DRUM_CH : MELODIC_CH;
    if (id !== this.current) {
      if (ch === MELODIC_CH) this.synth.controllerChange(ch, 0, ref.drums ? 0 : ref.bankNumber);
      this.synth.programChange(ch, ref.program);
      this.current = id;
    }
    return ch;
  }
}

/**
 * Sets spessasynth's internal clock to 0. `synthCore` is private in the type declarations but a
 * plain field at run time (spessasynth_core 4.3.x); fails loudly if a new version renames it.
 */
function resetClock(synth: SpessaSynthProcessor): void {
  const core = (synth as unknown as { synthCore?: { currentTime?: number } }).synthCore;
  if (core === undefined || typeof core.currentTime !== "number") {
    throw new Error("spessasynth_core internals changed: SpessaSynthProcessor.synthCore.currentTime not found");
  }
  core.currentTime = 0;
}

function fadeOutTail(x: Float32Array, n: number): void {
  const len = Math.min(n, x.length);
  for (let k = 0; k < len; k++) {
    const i = x.length - len + k;
    x[i] = (x[i] as number) * (1 - (k + 1) / len);
  }
}
