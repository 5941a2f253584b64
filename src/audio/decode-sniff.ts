/**
 * Container/codec detection from magic bytes (never from the file name), shared by the decoder
 * and the header-only probe.
 */

/** What the first bytes of a file say it is. */
export type Sniffed =
  | { readonly kind: "wav" }
  | { readonly kind: "flac"; readonly offset: number }
  | { readonly kind: "ogg-flac" }
  | { readonly kind: "mp3"; readonly offset: number }
  | { readonly kind: "ogg-vorbis" }
  | { readonly kind: "unsupported"; readonly problem: string };

/** Bytes the sniffer wants to see (more is fine; fewer means it judges from what is there). */
export const SNIFF_BYTES = 1 << 16;

const ascii = (b: Uint8Array, at: number, n: number): string => (at + n > b.length ? "" : String.fromCharCode(...b.subarray(at, at + n)));

/** Names a few formats we do not decode, so the error can say what the file is. */
const KNOWN_OTHERS: readonly { readonly test: (b: Uint8Array) => boolean; readonly name: string }[] = [
  { test: (b) => ascii(b, 0, 4) === "FORM" && ["AIFF", "AIFC"].includes(ascii(b, 8, 4)), name: "AIFF" },
  { test: (b) => ascii(b, 4, 4) === "ftyp", name: "MP4/M4A (AAC or ALAC)" },
  { test: (b) => ascii(b, 0, 4) === "RIFX", name: "big-endian RIFF/WAV (RIFX)" },
  { test: (b) => ascii(b, 0, 4) === "RIFF", name: "a RIFF file that is not WAVE (e.g. AVI)" },
  { test: (b) => ascii(b, 0, 4) === "caff", name: "Core Audio (CAF)" },
  { test: (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3, name: "Matroska/WebM" },
  { test: (b) => ascii(b, 0, 4) === "MThd", name: "MIDI" },
  { test: (b) => ascii(b, 0, 4) === "wvpk", name: "WavPack" },
  { test: (b) => ascii(b, 0, 4) === "MAC ", name: "Monkey's Audio" },
  { test: (b) => b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0, name: "AAC (ADTS)" },
];

/** Renders the first bytes as hex plus printable ASCII, e.g. `4d 54 68 64 ("MThd")`. */
export function describeMagic(b: Uint8Array): string {
  const head = b.subarray(0, 8);
  const hex = Array.from(head, (v) => v.toString(16).padStart(2, "0")).join(" ");
  const text = Array.from(head, (v) => (v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : ".")).join("");
  return `starts with ${hex} ("${text}")`;
}

/** True for a plausible MPEG audio frame header at `at` (sync, layer, bit-rate and rate fields). */
function isMpegFrame(b: Uint8Array, at: number): boolean {
  const b1 = b[at + 1];
  const b2 = b[at + 2];
  if (b[at] !== 0xff || b1 === undefined || b2 === undefined) return false;
  if ((b1 & 0xe0) !== 0xe0) return false; // 11-bit frame sync
  if (((b1 >> 3) & 3) === 1) return false; // reserved MPEG version
  if (((b1 >> 1) & 3) === 0) return false; // reserved layer (also rules out ADTS AAC)
  return b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3; // bad bit-rate index, reserved sample rate
}

/** Length of an ID3v2 tag at `at` (header, body and optional footer), or 0 if there is none. */
function id3Length(b: Uint8Array, at: number): number {
  if (ascii(b, at, 3) !== "ID3" || at + 10 > b.length) return 0;
  const size =
    (((b[at + 6] as number) & 0x7f) << 21) |
    (((b[at + 7] as number) & 0x7f) << 14) |
    (((b[at + 8] as number) & 0x7f) << 7) |
    ((b[at + 9] as number) & 0x7f);
  const footer = ((b[at + 5] as number) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** Sniffs the codec of an Ogg stream from its first page's first packet. */
function sniffOgg(b: Uint8Array): Sniffed {
  const segments = b[26];
  if (segments === undefined) return { kind: "unsupported", problem: "truncated Ogg file (first page incomplete)" };
  const at = 27 + segments;
  if (ascii(b, at, 7) === "\x01vorbis") return { kind: "ogg-vorbis" };
  if (ascii(b, at, 5) === "\x7fFLAC") return { kind: "ogg-flac" };
  const codec = ascii(b, at, 8) === "OpusHead" ? "Opus" : ascii(b, at, 8) === "Speex   " ? "Speex" : "an unknown codec";
  return { kind: "unsupported", problem: `unsupported format: Ogg container with ${codec} (only Ogg Vorbis and Ogg FLAC are decoded)` };
}

/**
 * Identifies WAV (RIFF/RF64/BW64 + WAVE), Ogg Vorbis or Ogg FLAC, and FLAC or MPEG audio (frame
 * sync), each optionally after ID3v2 tags and zero padding.
 * @param b the first bytes of the file (SNIFF_BYTES is plenty)
 */
export function sniffFormat(b: Uint8Array): Sniffed {
  const riff = ascii(b, 0, 4);
  if ((riff === "RIFF" || riff === "RF64" || riff === "BW64") && ascii(b, 8, 4) === "WAVE") return { kind: "wav" };
  if (ascii(b, 0, 4) === "fLaC") return { kind: "flac", offset: 0 };
  if (ascii(b, 0, 4) === "OggS") return sniffOgg(b);
  let at = 0;
  for (let tag = id3Length(b, at); tag > 0; tag = id3Length(b, at)) at += tag;
  const tagged = at > 0;
  while (at < b.length && b[at] === 0) at++; // some taggers and rippers pad before the first frame
  if (ascii(b, at, 4) === "fLaC") return { kind: "flac", offset: at };
  if (isMpegFrame(b, at)) return { kind: "mp3", offset: at };
  if (tagged) {
    if (at >= b.length) return { kind: "unsupported", problem: "ID3 tag with no audio after it (truncated file?)" };
    return {
      kind: "unsupported",
      problem: `unsupported format: ID3 tag followed by neither MPEG audio nor FLAC (${describeMagic(b.subarray(at))})`,
    };
  }
  const other = KNOWN_OTHERS.find((k) => k.test(b));
  const what = other === undefined ? describeMagic(b) : `looks like ${other.name}; ${describeMagic(b)}`;
  return { kind: "unsupported", problem: `unsupported format (not WAV, FLAC, MP3 or OGG Vorbis): ${what}` };
}

/** The DecodedAudio.format name for a sniffed kind. */
export function formatName(s: Sniffed): string {
  switch (s.kind) {
    case "flac":
      return "flac";
    case "ogg-flac":
      return "ogg/flac";
    case "mp3":
      return "mp3";
    case "ogg-vorbis":
      return "ogg/vorbis";
    default:
      return s.kind;
  }
}
