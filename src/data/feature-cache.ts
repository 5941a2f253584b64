/**
 * Feature cache: per-track model inputs (mel dB, [windows][96][87] float32) and 1 s labels
 * ([windows][18] uint8), so training and evaluation never recompute the front-end.
 *
 * Key = sha256(audio file content, MelParams hash, variant, labels). The variant names an augmentation
 * (e.g. "pitch+3"); "" is the plain mix. A changed file, front-end or annotation gives a new key, so a
 * stale entry is never read. Files are written to a temporary name and renamed, so a killed process
 * never leaves a half-written entry; a corrupt entry is recomputed with a warning.
 *
 * File layout (`<cacheDir>/<key>.feat`, little-endian):
 *   8 bytes  magic "TSFEAT01"
 *   4 bytes  uint32 header length H
 *   H bytes  JSON header (FeatureHeader), space-padded so the data starts at a multiple of 4
 *   float32  mel [nWindows][nMels][nFrames]
 *   uint8    labels [nWindows][nClasses]
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadMono } from "../audio/load.js";
import { melWindowDb } from "../features/mel.js";
import { rmsNormalize } from "../features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow, melParamsHash, type MelParams } from "../features/params.js";
import { writeAtomic } from "../io/write-atomic.js";
import { log } from "../log.js";

const MAGIC = "TSFEAT01";
/** Magic + uint32 header length. */
const PREFIX_BYTES = MAGIC.length + 4;
const FORMAT_VERSION = 1;

/** What the cache needs to know about a track. */
export interface CacheRequest {
  readonly trackId: string;
  /** The mix (or any audio file) whose windows are the model inputs. */
  readonly audioPath: string;
  /** Labels [nWindows][nClasses] row-major, 0/1. nWindows = labels.length / nClasses. */
  readonly labels: Uint8Array;
  readonly nClasses: number;
  /** Augmentation name; "" (default) for the plain audio. */
  readonly variant?: string;
  /**
   * Produces the samples for a variant (e.g. pitch shifting), given the RMS-normalised mono audio at
   * the analysis rate. Required when `variant` is not "".
   */
  readonly transform?: (samples: Float32Array, sampleRateHz: number) => Float32Array;
}

export interface FeatureHeader {
  readonly version: number;
  readonly trackId: string;
  readonly melParamsHash: string;
  readonly audioSha256: string;
  readonly variant: string;
  readonly nWindows: number;
  readonly nMels: number;
  readonly nFrames: number;
  readonly nClasses: number;
}

export interface TrackFeatures {
  readonly header: FeatureHeader;
  /** [nWindows][nMels][nFrames] */
  readonly mel: Float32Array;
  /** [nWindows][nClasses] */
  readonly labels: Uint8Array;
  /** True when read from the cache, false when computed now. */
  readonly fromCache: boolean;
}

/** sha256 of a file's content, streamed (hex). */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Computes the cache key for a request (exported for tests). */
export function cacheKey(audioSha256: string, p: MelParams, variant: string, labels: Uint8Array): string {
  const labelHash = createHash("sha256").update(labels).digest("hex");
  return createHash("sha256")
    .update([audioSha256, melParamsHash(p), variant, labelHash].join("|"))
    .digest("hex")
    .slice(0, 32);
}

/** The file of the cache entry for (audio, params, variant, labels) in `cacheDir`. */
export function cacheEntryPath(cacheDir: string, audioSha256: string, p: MelParams, variant: string, labels: Uint8Array): string {
  return join(cacheDir, `${cacheKey(audioSha256, p, variant, labels)}.feat`);
}

/** Returns the features of a track, from `cacheDir` when present, else computed and stored. */
export async function getTrackFeatures(req: CacheRequest, opts: { cacheDir: string; params?: MelParams }): Promise<TrackFeatures> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const variant = req.variant ?? "";
  const audioSha256 = await fileSha256(req.audioPath);
  const path = cacheEntryPath(opts.cacheDir, audioSha256, p, variant, req.labels);
  const cached = await readEntry(path);
  if (cached !== undefined) return { ...cached, fromCache: true };
  const computed = await computeFeatures(req, p, audioSha256, variant);
  await mkdir(opts.cacheDir, { recursive: true });
  await writeAtomic(path, encodeEntry(computed.header, computed.mel, computed.labels));
  return { ...computed, fromCache: false };
}

async function computeFeatures(
  req: CacheRequest,
  p: MelParams,
  audioSha256: string,
  variant: string,
): Promise<Omit<TrackFeatures, "fromCache">> {
  const audio = await loadMono(req.audioPath, { sampleRateHz: p.sampleRateHz });
  let x = rmsNormalize(audio.samples);
  if (variant !== "") {
    if (req.transform === undefined) throw new Error(`feature cache: variant "${variant}" needs a transform`);
    x = req.transform(x, p.sampleRateHz);
  }
  const labelWindows = req.labels.length / req.nClasses;
  const nWindows = Math.min(labelWindows, Math.floor(x.length / p.windowSamples));
  if (nWindows < labelWindows) log.warn(`${req.trackId}: audio holds ${nWindows} whole windows, labels ${labelWindows}; using ${nWindows}`);
  const nFrames = framesPerWindow(p);
  const per = p.nMels * nFrames;
  const mel = new Float32Array(nWindows * per);
  for (let w = 0; w < nWindows; w++) melWindowDb(x, w * p.windowSamples, p, mel.subarray(w * per, (w + 1) * per));
  const labels = req.labels.slice(0, nWindows * req.nClasses);
  const header: FeatureHeader = {
    version: FORMAT_VERSION,
    trackId: req.trackId,
    melParamsHash: melParamsHash(p),
    audioSha256,
    variant,
    nWindows,
    nMels: p.nMels,
    nFrames,
    nClasses: req.nClasses,
  };
  return { header, mel, labels };
}

function encodeEntry(header: FeatureHeader, mel: Float32Array, labels: Uint8Array): Buffer {
  let json = JSON.stringify(header);
  while ((MAGIC.length + 4 + Buffer.byteLength(json)) % 4 !== 0) json += " ";
  const head = Buffer.alloc(PREFIX_BYTES);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(Buffer.byteLength(json), MAGIC.length);
  return Buffer.concat([head, Buffer.from(json), Buffer.from(mel.buffer, mel.byteOffset, mel.byteLength), Buffer.from(labels)]);
}

async function readEntry(path: string): Promise<Omit<TrackFeatures, "fromCache"> | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return undefined;
  }
  try {
    const start = PREFIX_BYTES + headerLength(buf);
    const header = JSON.parse(buf.toString("utf8", PREFIX_BYTES, start)) as FeatureHeader;
    const melCount = header.nWindows * header.nMels * header.nFrames;
    const labelCount = header.nWindows * header.nClasses;
    if (header.version !== FORMAT_VERSION || buf.length !== start + melCount * 4 + labelCount) throw new Error("size mismatch");
    const mel = new Float32Array(melCount);
    new Uint8Array(mel.buffer).set(buf.subarray(start, start + melCount * 4));
    const labels = new Uint8Array(buf.subarray(start + melCount * 4, start + melCount * 4 + labelCount));
    return { header, mel, labels };
  } catch (err) {
    log.warn(`feature cache: ignoring corrupt entry ${path} (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

/** The JSON header's length from a file's first PREFIX_BYTES bytes; throws if the magic is wrong. */
function headerLength(prefix: Buffer): number {
  if (prefix.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new Error("not a feature-cache file (bad magic)");
  return prefix.readUInt32LE(MAGIC.length);
}

/** A cache entry opened for random access to its windows (training reads windows on demand). */
export interface FeatureFile {
  readonly header: FeatureHeader;
  /** Byte offset of the float32 mel block [nWindows][nMels][nFrames]. */
  readonly melOffset: number;
  /** The labels block [nWindows][nClasses] (small, read whole). */
  readonly labels: Uint8Array;
}

/** Reads an entry's header and labels without reading its mel block. */
export function openFeatureFile(path: string): FeatureFile {
  const fd = openSync(path, "r");
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    readSync(fd, prefix, 0, PREFIX_BYTES, 0);
    let hLen: number;
    try {
      hLen = headerLength(prefix);
    } catch (err) {
      throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const json = Buffer.alloc(hLen);
    readSync(fd, json, 0, hLen, PREFIX_BYTES);
    const header = JSON.parse(json.toString("utf8")) as FeatureHeader;
    const melOffset = PREFIX_BYTES + hLen;
    const labels = new Uint8Array(header.nWindows * header.nClasses);
    readSync(fd, labels, 0, labels.length, melOffset + header.nWindows * header.nMels * header.nFrames * 4);
    return { header, melOffset, labels };
  } finally {
    closeSync(fd);
  }
}
