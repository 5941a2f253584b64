/**
 * Cheap facts about an audio file (rate, channels, length, format) for planning work, e.g. the
 * dataset reader sizing a mix. WAV and FLAC are answered from their headers (WAV fmt/data chunks,
 * FLAC STREAMINFO) with a few small reads; MP3, Ogg and FLAC without a sample count in STREAMINFO
 * are decoded in full, since only decoding tells their exact length.
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { InputFileError } from "../errors.js";
import { parseFlacStreamInfo } from "./decode-compressed.js";
import { SNIFF_BYTES, sniffFormat } from "./decode-sniff.js";
import { decodeFile, fsError, statInputFile } from "./decode.js";
import { parseWavHeader } from "./decode-wav.js";

/** What probeAudio reports. */
export interface AudioProbe {
  /** The file's sample rate, Hz. */
  readonly sampleRateHz: number;
  readonly channels: number;
  /** Length in frames (samples per channel) at sampleRateHz. */
  readonly frames: number;
  /** Same string DecodedAudio.format would carry, e.g. "wav/pcm16", "flac", "mp3". */
  readonly format: string;
}

async function readAt(fh: FileHandle, path: string, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(Math.max(0, length));
  try {
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    throw fsError(path, err);
  }
}

/**
 * Reports rate, channels, frames and format of `path`, reading only headers for WAV and FLAC.
 * Header problems give the same InputFileErrors as decodeFile (a truncated WAV, an empty file, an
 * unsupported format...).
 * @throws InputFileError (only)
 */
export async function probeAudio(path: string): Promise<AudioProbe> {
  const size = await statInputFile(path);
  if (size === 0) throw new InputFileError(path, "empty file (0 bytes)");
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw fsError(path, err);
  }
  try {
    const head = await readAt(fh, path, 0, Math.min(size, SNIFF_BYTES));
    const sniffed = sniffFormat(head);
    if (sniffed.kind === "wav") {
      const info = await parseWavHeader((o, n) => readAt(fh, path, o, n), size, path);
      if (info.frames === 0) throw new InputFileError(path, `no audio samples (0 frames of ${info.format})`);
      return { sampleRateHz: info.sampleRateHz, channels: info.channels, frames: info.frames, format: info.format };
    }
    if (sniffed.kind === "flac") {
      const info = parseFlacStreamInfo(head.subarray(sniffed.offset));
      if (info?.frames !== undefined) return { sampleRateHz: info.sampleRateHz, channels: info.channels, frames: info.frames, format: "flac" };
    }
  } finally {
    await fh.close();
  }
  const audio = await decodeFile(path);
  return {
    sampleRateHz: audio.sampleRateHz,
    channels: audio.channels.length,
    frames: audio.channels[0]?.length ?? 0,
    format: audio.format,
  };
}
