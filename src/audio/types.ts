/** Decoded audio as it comes out of a decoder: planar float channels at the file's own rate. */
export interface DecodedAudio {
  /** One Float32Array per channel, all the same length, nominal range [-1, 1]. */
  readonly channels: readonly Float32Array[];
  /** The file's sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Container/codec name, e.g. "wav/pcm16", "flac", "mp3", "ogg/vorbis". */
  readonly format: string;
}

/** Mono audio at the analysis rate (22050 Hz by default), ready for the mel front-end. */
export interface MonoAudio {
  readonly samples: Float32Array;
  readonly sampleRateHz: number;
  /** What the file was before conversion (rate, channels, format), for reports. */
  readonly source: { readonly sampleRateHz: number; readonly channels: number; readonly format: string; readonly path: string };
}
