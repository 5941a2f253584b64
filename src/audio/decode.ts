/**
 * Audio file decoding: WAV (own RIFF reader), FLAC, MP3 and Ogg Vorbis (wasm decoders), chosen by
 * magic bytes. Every failure a user can cause (missing, unreadable, truncated, empty, unsupported or
 * corrupt file) surfaces as one `InputFileError` whose one-line message names the file and the
 * problem; nothing else escapes these functions.
 */
import { readFile, stat } from "node:fs/promises";
import { InputFileError, oneLine } from "../errors.js";
import { log } from "../log.js";
import { decodeCompressed, parseFlacStreamInfo } from "./decode-compressed.js";
import { decodeFlacNative, planarSlice } from "./decode-flac-native.js";
import { formatName, sniffFormat } from "./decode-sniff.js";
import { parseWavHeader, wavSamples } from "./decode-wav.js";
import type { DecodedAudio } from "./types.js";

/**
 * Sample rates accepted from a file header, Hz. Real audio is 8 kHz telephone to 768 kHz DXD-style
 * studio rates; anything outside is a damaged or lying header, and resampling it would be absurd
 * (a 4 GHz "rate" would shrink the file to nothing, a 1 Hz one blow it up 22,050 times).
 */
export const MIN_RATE_HZ = 1000;
/** See MIN_RATE_HZ. */
export const MAX_RATE_HZ = 768000;

/** Turns a Node fs error into a one-line InputFileError for `path`. */
export function fsError(path: string, err: unknown): InputFileError {
  const code = (err as { code?: unknown } | null)?.code;
  const problem =
    code === "ENOENT"
      ? "file not found"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied (the file is not readable by this user)"
        : code === "EISDIR"
          ? "is a directory, not an audio file"
          : code === "ENOTDIR"
            ? "file not found (a parent of this path is not a directory)"
            : code === "ELOOP"
              ? "cannot open: too many levels of symbolic links"
              : `cannot read the file (${oneLine(err)})`;
  return new InputFileError(path, problem, { cause: err });
}

/**
 * Opens `path` for reading after checking it is a regular file (a FIFO or device would block or
 * never end). Returns its size in bytes.
 * @throws InputFileError for missing, unreadable, directory or special files
 */
export async function statInputFile(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputFileError(path, "is a directory, not an audio file");
    if (!st.isFile()) throw new InputFileError(path, "not a regular file (device, FIFO or socket)");
    return st.size;
  } catch (err) {
    throw err instanceof InputFileError ? err : fsError(path, err);
  }
}

/** Reads a whole input file. @throws InputFileError as statInputFile, or when reading fails */
export async function readInputFile(path: string): Promise<Uint8Array> {
  await statInputFile(path);
  try {
    return await readFile(path);
  } catch (err) {
    throw fsError(path, err);
  }
}

/**
 * Decodes an audio file to planar float channels at the file's own rate.
 * @param path file to read; its format is detected from its content, not its extension
 * @throws InputFileError (only) for missing, unreadable, truncated, empty, unsupported or corrupt files
 */
export async function decodeFile(path: string): Promise<DecodedAudio> {
  const bytes = await readInputFile(path);
  return decodeBytes(bytes, path, path);
}

/**
 * Decodes an in-memory audio file (same rules as decodeFile).
 * @param name the file name to put in error messages
 */
export async function decodeBytes(bytes: Uint8Array, name: string, filePath?: string): Promise<DecodedAudio> {
  try {
    const audio = await decodeAny(bytes, name, filePath);
    const frames = audio.channels[0]?.length ?? 0;
    if (frames === 0) throw new InputFileError(name, `no audio samples (0 frames of ${audio.format})`);
    const rate = audio.sampleRateHz;
    if (!(rate >= MIN_RATE_HZ && rate <= MAX_RATE_HZ)) {
      throw new InputFileError(
        name,
        `unsupported sample rate ${rate} Hz in the ${audio.format} header (expected ${MIN_RATE_HZ}..${MAX_RATE_HZ} Hz; the header may be damaged)`,
      );
    }
    replaceNonFinite(audio.channels, name);
    return audio;
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(name, `cannot decode: ${oneLine(err)}`, { cause: err });
  }
}

/** `path`'s FLAC through the native decoder (decode-flac-native.ts), or undefined. */
async function nativeFlac(path: string | undefined, stream: Uint8Array): Promise<Omit<DecodedAudio, "format"> | undefined> {
  const info = parseFlacStreamInfo(stream);
  if (path === undefined || info === undefined) return undefined;
  const pcm = await decodeFlacNative(path, info);
  return pcm === undefined ? undefined : { channels: planarSlice(pcm, 0, pcm.frames), sampleRateHz: info.sampleRateHz };
}

async function decodeAny(bytes: Uint8Array, name: string, filePath: string | undefined): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new InputFileError(name, "empty file (0 bytes)");
  const sniffed = sniffFormat(bytes);
  switch (sniffed.kind) {
    case "unsupported":
      throw new InputFileError(name, sniffed.problem);
    case "wav": {
      const read = (offset: number, length: number): Promise<Uint8Array> => Promise.resolve(bytes.subarray(offset, offset + length));
      const info = await parseWavHeader(read, bytes.length, name);
      return { channels: wavSamples(bytes, info), sampleRateHz: info.sampleRateHz, format: info.format };
    }
    case "flac": {
      const stream = bytes.subarray(sniffed.offset);
      const r = (await nativeFlac(filePath, stream)) ?? (await decodeCompressed(sniffed.kind, stream, name));
      return { ...r, format: formatName(sniffed) };
    }
    case "mp3": {
      const r = await decodeCompressed(sniffed.kind, bytes.subarray(sniffed.offset), name);
      return { ...r, format: formatName(sniffed) };
    }
    case "ogg-flac":
    case "ogg-vorbis": {
      const r = await decodeCompressed(sniffed.kind, bytes, name);
      return { ...r, format: formatName(sniffed) };
    }
  }
}

/** Zeroes NaN/Inf samples in place; returns how many there were. */
export function zeroNonFinite(channels: readonly Float32Array[]): number {
  let count = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      // x - x is 0 for finite x and NaN for NaN/Inf: one cheap test per sample.
      const v = ch[i] as number;
      if (v - v !== 0) {
        ch[i] = 0;
        count++;
      }
    }
  }
  return count;
}

/** The one warning about replaced samples (nothing when `count` is 0). */
export function warnNonFinite(name: string, count: number): void {
  if (count > 0) log.warn(`${name}: replaced ${count} non-finite sample(s) (NaN/Inf) with 0`);
}

/** Replaces NaN/Inf samples with 0 in place and warns once per file with their count. */
function replaceNonFinite(channels: readonly Float32Array[], name: string): void {
  warnNonFinite(name, zeroNonFinite(channels));
}
