/**
 * Lossy codec round trip for the mastering chain (master.ts): the mix is encoded to MP3 with LAME
 * or to Ogg Vorbis with oggenc (Debian lame, vorbis-tools; both in .ci/apt-packages.txt) and
 * decoded back with the decoders `timbrescope` reads files with (src/audio/decode.ts), so a model
 * trained on the corpus has heard the artefacts of streamed and downloaded music: band limits,
 * pre-echo, spectral holes.
 *
 * Bit rates. Real releases are 44.1 kHz stereo at 96-320 kb/s; the corpus mix is mono at the
 * corpus rate (22.05 kHz by default). The encoder gets a stereo stream's bits per channel, half the
 * nominal rate (128 kb/s → 64 kb/s mono), snapped to a rate it accepts at the mix's rate (MPEG-2
 * Layer III stops at 160 kb/s, mono Vorbis at 22.05 kHz at 80 kb/s). Scaling by bandwidth as well
 * would be too harsh: LAME low-passes 32 kb/s mono at 22.05 kHz at 8.3 kHz, where a 128 kb/s
 * stereo release keeps everything below 16.5 kHz, i.e. the whole band a 22.05 kHz mix has. Both
 * figures go into the metadata.
 *
 * Alignment. The decoded mix must line up with the stems and labels sample for sample:
 * - MP3: LAME is told not to write its Xing/LAME tag (`-t`), so no decoder trims anything, and
 *   every decoded stream starts with LAME's encoder delay (576 samples, ENCDELAY in LAME's
 *   encoder.h) plus the MPEG synthesis filterbank's decoder delay (528 + 1 samples, LAME's
 *   technical FAQ / mpg123): 1105 samples are dropped from the front, and the frame padding at the
 *   end is cut. (With the tag, mpg123 trims gaplessly only when the first frame is big enough to
 *   hold it: not at 48 kb/s and below, which would give two alignments depending on the rate.)
 * - Vorbis: the decoder drops the first packet's pre-roll and trims to the last page's granule
 *   position, so the output is already aligned and of the input's length.
 * The tests check both by cross-correlation (peak at lag 0) at every rate drawn.
 *
 * Determinism: encoders are deterministic for a given build, but a different LAME or libvorbis
 * version may decode to different samples; the encoder's version string goes into the metadata.
 */
import { execFileSync } from "node:child_process";
import { decodeBytes } from "../../audio/decode.js";
import { UserError } from "../../errors.js";
import { encodeWav16 } from "./wav-writer.js";

/** The codecs of the round trip. */
export type Codec = "mp3" | "vorbis";

/** Nominal (44.1 kHz stereo) bit rates drawn, kb/s. */
export const NOMINAL_KBPS = [96, 128, 160, 192, 256, 320] as const;

/** LAME's encoder delay plus the MPEG-1/2 Layer III decoder delay, samples (see the module doc). */
export const MP3_DELAY_SAMPLES = 576 + 529;

/** Layer III bit rates, kb/s: MPEG-1 (32, 44.1, 48 kHz) and MPEG-2 LSF (16, 22.05, 24 kHz). */
const MP3_KBPS_MPEG1 = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_KBPS_MPEG2 = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Mono bit rates libvorbis 1.3 accepts from `oggenc -b` (measured with vorbis-tools 1.4.2), kb/s. */
const VORBIS_MONO_KBPS: Readonly<Record<number, readonly [number, number]>> = { 22050: [16, 80], 44100: [32, 240] };

/** Serial number of the Ogg stream (oggenc draws a random one otherwise; fixed for stable bytes). */
const OGG_SERIAL = "16";

/** Bit rate handed to the mono encoder for a nominal (stereo) rate (see the module doc), kb/s. */
export function encodedKbps(codec: Codec, nominalKbps: number, sampleRateHz: number): number {
  const want = nominalKbps / 2;
  if (codec === "mp3") {
    const table = sampleRateHz >= 32000 ? MP3_KBPS_MPEG1 : MP3_KBPS_MPEG2;
    return table.reduce((best, k) => (Math.abs(k - want) < Math.abs(best - want) ? k : best));
  }
  const [lo, hi] = VORBIS_MONO_KBPS[sampleRateHz] ?? [32, 240];
  return Math.min(hi, Math.max(lo, Math.round(want)));
}

/** Runs an encoder with the WAV on stdin; a missing program is a UserError naming the package. */
function encode(program: string, args: readonly string[], wav: Buffer, pkg: string): Buffer {
  try {
    return execFileSync(program, [...args], { input: wav, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new UserError(`synth --realism master needs ${program}: apt-get install --no-install-recommends ${pkg}`);
    }
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? "";
    throw new Error(`${program} ${args.join(" ")} failed: ${stderr || String(err)}`, { cause: err });
  }
}

const versions = new Map<Codec, string>();

/** The encoder's version line, e.g. `LAME 64bits version 3.100`, for the metadata (cached). */
export function encoderVersion(codec: Codec): string {
  let v = versions.get(codec);
  if (v === undefined) {
    const [program, pkg] = codec === "mp3" ? ["lame", "lame"] : ["oggenc", "vorbis-tools"];
    const text = encode(program, ["--version"], Buffer.alloc(0), pkg).toString("utf8");
    v = (text.split("\n")[0] ?? "").replace(/\s*\(.*\)\s*$/, "").trim();
    versions.set(codec, v);
  }
  return v;
}

/** What {@link lossyRoundTrip} did. */
export interface LossyResult {
  /** The decoded signal, aligned to and as long as the input. */
  readonly audio: Float32Array;
  /** Bit rate given to the encoder, kb/s. */
  readonly encodedKbps: number;
  /** Samples dropped from the front of the decoded stream. */
  readonly delaySamples: number;
  /** Size of the encoded stream, bytes. */
  readonly bytes: number;
}

/**
 * Encodes `x` (mono, 16-bit as the WAV file would hold it) with `codec` at `nominalKbps` (a stereo
 * figure, see {@link encodedKbps}) and decodes it back, aligned and of the same length.
 */
export async function lossyRoundTrip(x: Float32Array, sampleRateHz: number, codec: Codec, nominalKbps: number): Promise<LossyResult> {
  const kbps = encodedKbps(codec, nominalKbps, sampleRateHz);
  const wav = encodeWav16([x], sampleRateHz);
  const bytes =
    codec === "mp3"
      ? encode(
          "lame",
          ["--quiet", "-t", "--noreplaygain", "-m", "m", "--cbr", "-b", String(kbps), "--resample", String(sampleRateHz / 1000), "-", "-"],
          wav,
          "lame",
        )
      : encode("oggenc", ["-Q", "-b", String(kbps), "-s", OGG_SERIAL, "-o", "-", "-"], wav, "vorbis-tools");
  const decoded = await decodeBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), `${codec} round trip`);
  if (decoded.sampleRateHz !== sampleRateHz)
    throw new Error(`${codec} round trip: decoded at ${decoded.sampleRateHz} Hz, expected ${sampleRateHz} Hz`);
  const ch = decoded.channels[0] as Float32Array;
  const delay = codec === "mp3" ? MP3_DELAY_SAMPLES : 0;
  const audio = new Float32Array(x.length);
  // A stream shorter than delay + n would leave zeros at the end; neither encoder does that.
  audio.set(ch.subarray(delay, Math.min(ch.length, delay + x.length)));
  return { audio, encodedKbps: kbps, delaySamples: delay, bytes: bytes.length };
}
