/**
 * Opening an audio file for header-level work: the regular-file check, one read of its first
 * SNIFF_BYTES, the sniffed format, and positioned reads with one-line errors. Shared by probeAudio
 * (facts from headers) and openMonoStream (decoding in pieces).
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { InputFileError } from "../errors.js";
import { SNIFF_BYTES, sniffFormat } from "./decode-sniff.js";
import type { Sniffed } from "./decode-sniff.js";
import { fsError, statInputFile } from "./decode.js";
import { parseWavHeader } from "./decode-wav.js";
import type { WavInfo } from "./decode-wav.js";

/** An open audio file with its head read and its format sniffed. */
export interface AudioFileHead {
  readonly path: string;
  /** File size, bytes. */
  readonly size: number;
  /** The first min(size, SNIFF_BYTES) bytes. */
  readonly head: Uint8Array;
  readonly sniffed: Sniffed;
  /** Up to `length` bytes at `offset` (fewer at the end). @throws InputFileError when reading fails */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** A WAV file's header, checked to hold at least one frame. @throws InputFileError */
  wavInfo(): Promise<WavInfo>;
  close(): Promise<void>;
}

/**
 * Opens `path`, reads its head and sniffs its format.
 * @throws InputFileError for missing, unreadable, special or empty files
 */
export async function openAudioHead(path: string): Promise<AudioFileHead> {
  const size = await statInputFile(path);
  if (size === 0) throw new InputFileError(path, "empty file (0 bytes)");
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw fsError(path, err);
  }
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const buf = new Uint8Array(Math.max(0, length));
    try {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    } catch (err) {
      throw fsError(path, err);
    }
  };
  try {
    const head = await read(0, Math.min(size, SNIFF_BYTES));
    return {
      path,
      size,
      head,
      sniffed: sniffFormat(head),
      read,
      async wavInfo() {
        const info = await parseWavHeader(read, size, path);
        if (info.frames === 0) throw new InputFileError(path, `no audio samples (0 frames of ${info.format})`);
        return info;
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}
