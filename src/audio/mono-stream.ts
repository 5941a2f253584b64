/**
 * loadMono as a stream: the same decode -> downmix (channel mean) -> HQ resample chain, delivered
 * in chunks, so that analysing an hour of audio does not hold an hour of samples. Every pass gives
 * exactly the samples loadMono returns (same float32 values, same length), because the downmix is
 * per sample and the streaming resampler is bit-identical to the whole-buffer one.
 *
 * WAV and FLAC are read from disk and decoded chunk by chunk: memory stays at a few chunks whatever
 * the file's length. MP3 and Ogg are decoded whole first (mpg123's gapless trimming needs the whole
 * stream, as decodeFile applies it); only the downmix and resample then stream, so their peak
 * memory is the decoded PCM (about 1.3 GB for an hour of 44.1 kHz stereo).
 */
import { InputFileError, oneLine } from "../errors.js";
import { decodeFile, warnNonFinite, zeroNonFinite } from "./decode.js";
import { decodeFlacChunks, parseFlacStreamInfo } from "./decode-compressed.js";
import { decodeFlacNative, monoSlice } from "./decode-flac-native.js";
import type { FlacStreamInfo } from "./decode-compressed.js";
import { wavSamples } from "./decode-wav.js";
import type { WavInfo } from "./decode-wav.js";
import { downmixToMono } from "./downmix.js";
import { openAudioHead } from "./file-head.js";
import type { AudioFileHead } from "./file-head.js";
import { DEFAULT_ANALYSIS_RATE_HZ } from "./load.js";
import { StreamingResampler } from "./resample.js";
import type { MonoAudio } from "./types.js";

/** Frames per piece handed on from natively decoded FLAC. */
const NATIVE_PIECE = 65536;

/** Options of {@link openMonoStream}. */
export interface MonoStreamOptions {
  /** Output rate, Hz. Default 22050. */
  readonly sampleRateHz?: number;
  /** Input frames read and converted per step (WAV). Default 65536 (about 1.5 s at 44.1 kHz). */
  readonly chunkFrames?: number;
  /** Bytes read per step from compressed streams (FLAC). Default 1 MiB. */
  readonly readBytes?: number;
}

/** A file opened for (repeated) streaming passes. */
export interface MonoStream {
  /** Output rate, Hz. */
  readonly sampleRateHz: number;
  /** What the file is (rate, channels, format, path), as MonoAudio.source. */
  readonly source: MonoAudio["source"];
  /** Output length in samples: ceil(frames * out / in), as loadMono. */
  readonly length: number;
  /** One pass over the file from its start: mono float32 chunks at `sampleRateHz`. */
  chunks(): AsyncGenerator<Float32Array>;
  /** Releases the file. */
  close(): Promise<void>;
}

/** Samples already downmixed to mono and known finite (integer PCM): passes() only resamples them. */
export class MonoPiece {
  constructor(readonly samples: Float32Array) {}
}

/**
 * A stream's `chunks()`: each pass downmixes and resamples the planar pieces `planar()` gives,
 * zeroing NaN/Inf samples first (as decodeFile does; warned about after the first pass only);
 * MonoPiece pieces are resampled as they are.
 */
function passes(
  path: string,
  inHz: number,
  outHz: number,
  planar: () => AsyncIterable<readonly Float32Array[] | MonoPiece>,
): () => AsyncGenerator<Float32Array> {
  let warned = false;
  return async function* pass(): AsyncGenerator<Float32Array> {
    const r = new StreamingResampler(inHz, outHz);
    let bad = 0;
    for await (const piece of planar()) {
      let mono: Float32Array;
      if (piece instanceof MonoPiece) mono = piece.samples;
      else {
        bad += zeroNonFinite(piece);
        mono = downmixToMono(piece);
      }
      const out = r.push(mono);
      if (out.length > 0) yield Float32Array.from(out);
    }
    const tail = r.flush();
    if (tail.length > 0) yield Float32Array.from(tail);
    if (!warned) warnNonFinite(path, bad);
    warned = true;
  };
}

function wavStream(f: AudioFileHead, info: WavInfo, outHz: number, chunkFrames: number): MonoStream {
  const path = f.path;
  async function* planar(): AsyncGenerator<readonly Float32Array[]> {
    for (let at = 0; at < info.frames; at += chunkFrames) {
      const n = Math.min(chunkFrames, info.frames - at);
      const bytes = await f.read(info.dataOffset + at * info.blockAlign, n * info.blockAlign);
      if (bytes.length < n * info.blockAlign)
        throw new InputFileError(path, `the file shrank while being read (${bytes.length} of ${n * info.blockAlign} bytes at frame ${at})`);
      yield wavSamples(bytes, { ...info, dataOffset: 0, frames: n });
    }
  }
  return {
    sampleRateHz: outHz,
    source: { sampleRateHz: info.sampleRateHz, channels: info.channels, format: info.format, path },
    length: Math.ceil((info.frames * outHz) / info.sampleRateHz),
    chunks: passes(path, info.sampleRateHz, outHz, planar),
    close: () => f.close(),
  };
}

function flacStream(f: AudioFileHead, offset: number, info: FlacStreamInfo & { frames: number }, outHz: number, step: number): MonoStream {
  const path = f.path;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (let at = offset; at < f.size; at += step) yield await f.read(at, Math.min(step, f.size - at));
  }
  async function* planar(): AsyncGenerator<Float32Array[] | MonoPiece> {
    const pcm = await decodeFlacNative(path, info);
    if (pcm === undefined) {
      yield* decodeFlacChunks(bytes(), path, info.frames);
      return;
    }
    // The native decoder's PCM is the same integers, downmixed exactly as downmixToMono does (monoSlice).
    for (let at = 0; at < pcm.frames; at += NATIVE_PIECE) yield new MonoPiece(monoSlice(pcm, at, at + NATIVE_PIECE));
  }
  return {
    sampleRateHz: outHz,
    source: { sampleRateHz: info.sampleRateHz, channels: info.channels, format: "flac", path },
    length: Math.ceil((info.frames * outHz) / info.sampleRateHz),
    chunks: passes(path, info.sampleRateHz, outHz, planar),
    close: () => f.close(),
  };
}

async function wholeStream(path: string, outHz: number, chunkFrames: number): Promise<MonoStream> {
  const decoded = await decodeFile(path);
  const frames = decoded.channels[0]?.length ?? 0;
  async function* planar(): AsyncGenerator<readonly Float32Array[]> {
    for (let f = 0; f < frames; f += chunkFrames) yield decoded.channels.map((ch) => ch.subarray(f, Math.min(frames, f + chunkFrames)));
    await Promise.resolve();
  }
  return {
    sampleRateHz: outHz,
    source: { sampleRateHz: decoded.sampleRateHz, channels: decoded.channels.length, format: decoded.format, path },
    length: Math.ceil((frames * outHz) / decoded.sampleRateHz),
    chunks: passes(path, decoded.sampleRateHz, outHz, planar),
    close: () => Promise.resolve(),
  };
}

/**
 * Opens `path` for streaming as mono float32 at `opts.sampleRateHz` (default 22050 Hz).
 * @throws InputFileError for missing, unreadable, empty, unsupported or corrupt files (as decodeFile)
 */
export async function openMonoStream(path: string, opts: MonoStreamOptions = {}): Promise<MonoStream> {
  const outHz = opts.sampleRateHz ?? DEFAULT_ANALYSIS_RATE_HZ;
  const chunkFrames = opts.chunkFrames ?? 65536;
  if (!Number.isInteger(chunkFrames) || chunkFrames <= 0)
    throw new RangeError(`Expected chunkFrames a positive integer, got ${chunkFrames}`);
  const f = await openAudioHead(path);
  try {
    const { sniffed } = f;
    if (sniffed.kind === "wav") return wavStream(f, await f.wavInfo(), outHz, chunkFrames);
    if (sniffed.kind === "flac") {
      const info = parseFlacStreamInfo(f.head.subarray(sniffed.offset));
      // A stream whose header gives its length and layout streams; anything odd takes the whole-file path.
      if (info?.frames !== undefined && info.sampleRateHz > 0)
        return flacStream(f, sniffed.offset, { ...info, frames: info.frames }, outHz, opts.readBytes ?? 1 << 20);
    }
  } catch (err) {
    await f.close().catch(() => undefined);
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(path, `cannot decode: ${oneLine(err)}`, { cause: err });
  }
  await f.close();
  return wholeStream(path, outHz, chunkFrames);
}
