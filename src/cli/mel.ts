/**
 * `timbrescope mel IN --out OUT.npy`: the whole-track mel spectrogram in dB, as the model's
 * front-end computes it (src/features/mel.ts), written as float32 .npy of shape [96, T] for
 * inspection in NumPy. T = 1 + floor(n / 256) for n samples at 22050 Hz.
 */
import type { Command } from "commander";
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { loadMono } from "../audio/load.js";
import { UserError } from "../errors.js";
import { melWholeDb } from "../features/mel.js";
import { rmsNormalize } from "../features/normalize.js";
import type { PadMode } from "../features/params.js";
import { DEFAULT_MEL_PARAMS, withPadMode } from "../features/params.js";
import { writeNpy } from "../io/npy.js";
import { log } from "../log.js";

const PAD_MODES: readonly PadMode[] = ["constant", "reflect"];

interface MelCliOptions {
  out: string;
  /** commander's --no-normalize sets this to false. */
  normalize: boolean;
  padMode: string;
}

const HELP_AFTER = `
The spectrogram follows librosa's melspectrogram + power_to_db: 22050 Hz mono, n_fft 1024 (periodic
Hann), hop 256, centred frames, 96 Slaney mel bands 0-11025 Hz, dB re 1 clipped to 80 dB below the
track's maximum. Rows are bands (0 = lowest), columns are frames; frame t is centred on t*256/22050 s.

Example:
  $ timbrescope mel song.flac --out song-mel.npy
  >>> np.load("song-mel.npy").shape   # (96, 1 + n_samples // 256)
`;

/** Registers the `mel` subcommand on `program`. */
export function registerMel(program: Command): void {
  program
    .command("mel")
    .description("write the 96-band mel spectrogram (dB) of an audio file as a float32 .npy [96, T]")
    .argument("<in>", "audio file (wav, flac, mp3, ogg); converted to 22050 Hz mono")
    .requiredOption("-o, --out <file.npy>", "output .npy path; its directory must exist")
    .option("--no-normalize", "skip dividing the track by its RMS (done by default, as for the model)")
    .option("--pad-mode <mode>", "STFT edge padding: constant (librosa >= 0.9) or reflect (librosa <= 0.8)", "constant")
    .addHelpText("after", HELP_AFTER)
    .action(async (input: string, opts: MelCliOptions) => {
      await runMel(input, opts);
    });
}

async function runMel(input: string, opts: MelCliOptions): Promise<void> {
  const padMode = parsePadMode(opts.padMode);
  await checkOutputPath(opts.out);
  const p = padMode === DEFAULT_MEL_PARAMS.padMode ? DEFAULT_MEL_PARAMS : withPadMode(padMode);
  const t0 = performance.now();
  const audio = await loadMono(input, { sampleRateHz: p.sampleRateHz });
  const samples = opts.normalize ? rmsNormalize(audio.samples) : audio.samples;
  const mel = melWholeDb(samples, p);
  try {
    await writeNpy(opts.out, mel.data, [mel.nMels, mel.nFrames], "<f4");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new UserError(`--out: cannot write "${opts.out}" (${code})`, { cause: err });
  }
  const seconds = audio.samples.length / audio.sampleRateHz;
  const ms = performance.now() - t0;
  log.info(
    `mel: ${opts.out}: ${mel.nMels} x ${mel.nFrames} frames from ${seconds.toFixed(2)} s of audio ` +
      `(${opts.normalize ? "RMS-normalised" : "not normalised"}, ${padMode} pad) in ${(ms / 1000).toFixed(2)} s`,
  );
}

function parsePadMode(value: string): PadMode {
  const mode = PAD_MODES.find((m) => m === value);
  if (mode === undefined) throw new UserError(`Expected --pad-mode ${PAD_MODES.join("|")}, got "${value}"`);
  return mode;
}

/** Fails early, before decoding, if the output's directory is missing or the path is a directory. */
async function checkOutputPath(out: string): Promise<void> {
  const dir = dirname(resolve(out));
  const dirStat = await stat(dir).catch(() => undefined);
  if (dirStat === undefined || !dirStat.isDirectory()) {
    throw new UserError(`--out: directory "${dir}" does not exist (create it first)`);
  }
  const outStat = await stat(out).catch(() => undefined);
  if (outStat?.isDirectory() === true) throw new UserError(`--out: "${out}" is a directory; give a file name such as mel.npy`);
}
