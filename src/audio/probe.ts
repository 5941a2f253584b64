/**
 * Cheap facts about an audio file (rate, channels, length, format) for planning work, e.g. the
 * dataset reader sizing a mix. WAV and FLAC are answered from their headers (WAV fmt/data chunks,
 * FLAC STREAMINFO) with a few small reads; MP3, Ogg and FLAC without a sample count in STREAMINFO
 * are decoded in full, since only decoding tells their exact length.
 */
import { parseFlacStreamInfo } from "./decode-compressed.js";
import { decodeFile } from "./decode.js";
import { openAudioHead } from "./file-head.js";

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

/**
 * Reports rate, channels, frames and format of `path`, reading only headers for WAV and FLAC.
 * Header problems give the same InputFileErrors as decodeFile (a truncated WAV, an empty file, an
 * unsupported format...).
 * @throws InputFileError (only)
 */
export async function probeAudio(path: string): Promise<AudioProbe> {
  const f = await openAudioHead(path);
  try {
    if (f.sniffed.kind === "wav") {
      const info = await f.wavInfo();
      return { sampleRateHz: info.sampleRateHz, channels: info.channels, frames: info.frames, format: info.format };
    }
    if (f.sniffed.kind === "flac") {
      const info = parseFlacStreamInfo(f.head.subarray(f.sniffed.offset));
      if (info?.frames !== undefined)
        return { sampleRateHz: info.sampleRateHz, channels: info.channels, frames: info.frames, format: "flac" };
    }
  } finally {
    await f.close();
  }
  const audio = await decodeFile(path);
  return {
    sampleRateHz: audio.sampleRateHz,
    channels: audio.channels.length,
    frames: audio.channels[0]?.length ?? 0,
    format: audio.format,
  };
}
