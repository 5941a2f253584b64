/**
 * FLAC, Ogg FLAC, MPEG audio (MP3) and Ogg Vorbis through the maintained wasm decoders
 * (@wasm-audio-decoders/flac, mpg123-decoder, @wasm-audio-decoders/ogg-vorbis). Each call
 * creates one decoder and frees it afterwards. The decoders press on through damaged or cut-off
 * data and report what went wrong in `errors`; we keep what was decoded and log one warning.
 * MP3 is decoded gapless (mpg123 trims the encoder delay and padding declared in a LAME/Xing
 * header), Vorbis is trimmed to the last page's granule position.
 *
 * Two corrections make the output match what the WAV reader (and libsndfile/librosa) give:
 * - the FLAC decoder scales integers by 1/(2^(b-1) - 1), so full-scale negative samples come out
 *   below -1 (-32768 -> -1.0000305); we recover each integer and rescale by 1/2^(b-1), which is
 *   exact for b <= 24 (the float32 output is within 0.25 of v/(2^(b-1)-1) * (2^(b-1)-1));
 * - mpg123-decoder always returns two channels; a single-channel MP3 (channel mode 3 in its frame
 *   header) is returned as one channel (the two are identical).
 */
import { InputFileError } from "../errors.js";
import { log } from "../log.js";

/** Compressed kinds this module decodes (see decode-sniff.ts). */
export type CompressedKind = "flac" | "ogg-flac" | "mp3" | "ogg-vorbis";

/** What every wasm decoder returns. */
interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  /** FLAC only: bits per sample of the source. */
  bitDepth?: number;
  errors: { message: string }[];
}

/** FLAC STREAMINFO fields (FLAC format spec, METADATA_BLOCK_STREAMINFO). */
export interface FlacStreamInfo {
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Total frames (samples per channel), or undefined when the encoder left it 0 (unknown). */
  readonly frames: number | undefined;
}

/**
 * Parses STREAMINFO, which the format requires to be the first metadata block after "fLaC".
 * @param b bytes starting at the "fLaC" marker (at least 42 of them)
 */
export function parseFlacStreamInfo(b: Uint8Array): FlacStreamInfo | undefined {
  if (b.length < 42 || ((b[4] as number) & 0x7f) !== 0) return undefined;
  const s = b.subarray(8, 42);
  const byte = (i: number): number => s[i] as number;
  const sampleRateHz = (byte(10) << 12) | (byte(11) << 4) | (byte(12) >> 4);
  const channels = ((byte(12) >> 1) & 7) + 1;
  const bitsPerSample = (((byte(12) & 1) << 4) | (byte(13) >> 4)) + 1;
  const total = (byte(13) & 0x0f) * 2 ** 32 + ((byte(14) << 24) >>> 0) + (byte(15) << 16) + (byte(16) << 8) + byte(17);
  return { sampleRateHz, channels, bitsPerSample, frames: total === 0 ? undefined : total };
}

/**
 * Runs the synchronous part of a decoder call with console.error routed to our debug log: the
 * FLAC and mpg123 wrappers print every decode error there themselves, and library code must not
 * write to the console (we report the errors once, from the returned `errors`).
 */
function quietly<T>(fn: () => T): T {
  const con = globalThis.console;
  const original = Object.getOwnPropertyDescriptor(con, "error");
  con.error = (...args: unknown[]): void => log.debug(`decoder: ${args.map(String).join(" ")}`);
  try {
    return fn();
  } finally {
    if (original === undefined) Reflect.deleteProperty(con, "error");
    else Object.defineProperty(con, "error", original);
  }
}

/** Warns when fewer frames were decoded than STREAMINFO declares (undefined: unknown length). */
function warnIfTruncated(path: string, decoded: number, declared: number | undefined): void {
  if (declared !== undefined && decoded < declared)
    log.warn(`${path}: truncated FLAC: decoded ${decoded} of the ${declared} frames its header declares`);
}

/**
 * Replaces v / (2^(b-1) - 1) by v / 2^(b-1) in place (see the module comment). Multiplying by
 * 1 / 2^(b-1) is exact (a power of two), so it equals the division bit for bit and takes half the time.
 */
function rescaleFlac(channels: Float32Array[], bits: number): void {
  if (!(bits >= 4 && bits <= 32)) return;
  const decoderFull = 2 ** (bits - 1) - 1;
  const inv = 2 ** -(bits - 1);
  for (const ch of channels) {
    if (bits <= 24) {
      for (let i = 0; i < ch.length; i++) ch[i] = Math.round((ch[i] as number) * decoderFull) * inv;
    } else {
      // 25..32-bit integers do not survive float32; the scale change is below 6e-8 relative.
      for (let i = 0; i < ch.length; i++) ch[i] = (ch[i] as number) * decoderFull * inv;
    }
  }
}

const LABEL: Record<CompressedKind, string> = { flac: "FLAC", "ogg-flac": "Ogg FLAC", mp3: "MPEG audio", "ogg-vorbis": "Ogg Vorbis" };

// The decoders are imported when first needed: each carries its wasm as a string, and together they
// were ~50 ms of every process's and track thread's start-up, though most FLACs go to Xiph's flac.
const flacDecoder = async (): Promise<typeof import("@wasm-audio-decoders/flac").FLACDecoder> =>
  (await import("@wasm-audio-decoders/flac")).FLACDecoder;

async function runDecoder(kind: CompressedKind, bytes: Uint8Array): Promise<WasmDecoded> {
  if (kind === "mp3") {
    const { MPEGDecoder } = await import("mpg123-decoder");
    const d = new MPEGDecoder();
    await d.ready;
    try {
      return quietly(() => d.decode(bytes));
    } finally {
      d.free();
    }
  }
  const d = kind === "ogg-vorbis" ? new (await import("@wasm-audio-decoders/ogg-vorbis")).OggVorbisDecoder() : new (await flacDecoder())();
  await d.ready;
  try {
    // The decode itself happens synchronously inside decodeFile, before its first await.
    const pending = quietly(() => d.decodeFile(bytes));
    return await pending;
  } finally {
    d.free();
  }
}

/**
 * Decodes a compressed file to planar float channels at its own rate.
 * @param bytes the audio stream (for FLAC/MP3 from the offset the sniffer found, after any ID3 tag)
 * @param path the file name used in messages
 * @throws InputFileError when nothing at all can be decoded
 */
export async function decodeCompressed(
  kind: CompressedKind,
  bytes: Uint8Array,
  path: string,
): Promise<{ channels: Float32Array[]; sampleRateHz: number }> {
  const label = LABEL[kind];
  const r = await runDecoder(kind, bytes);
  const first = r.errors[0];
  if (r.samplesDecoded === 0 || r.channelData.length === 0 || !(r.sampleRate > 0)) {
    const why = first === undefined ? "" : ` (decoder: ${first.message})`;
    throw new InputFileError(path, `no audio could be decoded from this ${label} file: it is empty, truncated or corrupt${why}`);
  }
  if (first !== undefined) {
    log.warn(`${path}: ${r.errors.length} ${label} decode error(s), the audio may have gaps or be cut short (first: ${first.message})`);
  }
  const n = r.samplesDecoded;
  let channels = r.channelData.map((c) => (c.length === n ? c : c.slice(0, n)));
  if ((kind === "flac" || kind === "ogg-flac") && r.bitDepth !== undefined) rescaleFlac(channels, r.bitDepth);
  if (kind === "mp3" && (bytes[3] ?? 0) >> 6 === 3) channels = channels.slice(0, 1);
  if (kind === "flac") warnIfTruncated(path, n, parseFlacStreamInfo(bytes)?.frames);
  return { channels, sampleRateHz: r.sampleRate };
}

/**
 * Decodes a FLAC stream piece by piece (FLACDecoder.decode per chunk, then flush), so that a long
 * file never sits decoded in memory; each piece is rescaled exactly as decodeCompressed does, so
 * the concatenated pieces equal its output. Decode errors and a stream shorter than its header
 * declares are warned about once, at the end, as decodeCompressed does.
 * @param chunks the file's bytes from the "fLaC" marker on, in pieces of any size
 * @param declaredFrames STREAMINFO's total frames, if known
 * @throws InputFileError when nothing at all can be decoded
 */
export async function* decodeFlacChunks(
  chunks: AsyncIterable<Uint8Array>,
  path: string,
  declaredFrames?: number,
): AsyncGenerator<Float32Array[]> {
  const d = new (await flacDecoder())();
  await d.ready;
  let decoded = 0;
  const errors: { message: string }[] = [];
  const piece = (r: WasmDecoded): Float32Array[] | undefined => {
    errors.push(...r.errors);
    if (r.samplesDecoded === 0 || r.channelData.length === 0) return undefined;
    decoded += r.samplesDecoded;
    const channels = r.channelData.map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded)));
    if (r.bitDepth !== undefined) rescaleFlac(channels, r.bitDepth);
    return channels;
  };
  try {
    for await (const bytes of chunks) {
      const out = piece(await quietly(() => d.decode(bytes)));
      if (out !== undefined) yield out;
    }
    const tail = piece(await quietly(() => d.flush()));
    if (tail !== undefined) yield tail;
  } finally {
    d.free();
  }
  const first = errors[0];
  if (decoded === 0) {
    throw new InputFileError(
      path,
      `no audio could be decoded from this FLAC file: it is empty, truncated or corrupt${first === undefined ? "" : ` (decoder: ${first.message})`}`,
    );
  }
  if (first !== undefined)
    log.warn(`${path}: ${errors.length} FLAC decode error(s), the audio may have gaps or be cut short (first: ${first.message})`);
  warnIfTruncated(path, decoded, declaredFrames);
}
