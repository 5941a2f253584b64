/**
 * What a catalog result is keyed by: the audio file's content (SHA-256 of its bytes, so a moved or
 * renamed file is recognised) and the analysis (the model folder's files plus the catalog's fixed
 * analysis settings, so a retrained or different model re-analyses and a copied model does not).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputFileError } from "../errors.js";
import { MODEL_FILES, readManifest } from "../model/model-files.js";

/**
 * The analysis every catalog result comes from. Changing any of it must change the model key, so
 * it is hashed into the key with the model's files. Window 1 s, hop 1 s: the paper's
 * non-overlapping windows; "track" level: divide by the whole file's RMS (the paper, `analyze`'s
 * default); scores kept as float16.
 */
export const CATALOG_ANALYSIS = { version: 1, hopSec: 1, level: "track", scores: "float16" } as const;

/** Bytes read per step when hashing a file (1 MiB). */
const HASH_CHUNK_BYTES = 1 << 20;

/**
 * SHA-256 of a file's bytes, lowercase hex (64 characters), read in 1 MiB steps.
 * @throws InputFileError naming the file when it cannot be read
 */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES })) h.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(err)})`, { cause: err });
  }
  return h.digest("hex");
}

/** A model as the catalog knows it. */
export interface ModelIdentity {
  /** Absolute path of the model folder. */
  readonly dir: string;
  /**
   * 16 hex digits: SHA-256 over CATALOG_ANALYSIS and the bytes of model.json, weights.bin and
   * manifest.json. Names the results folder and is stored with every result.
   */
  readonly key: string;
  /** Class ids in output order (from the manifest). */
  readonly labels: readonly string[];
  /** The manifest's architecture name and creation time, for people reading `status`. */
  readonly description: string;
}

/**
 * Reads a model folder's manifest and hashes its files into a key (reads about 2 MB for the
 * shipped model; no network is loaded).
 * @throws UserError when the folder is not a model (missing or invalid manifest, missing files)
 */
export async function identifyModel(modelDir: string): Promise<ModelIdentity> {
  const dir = resolve(modelDir);
  const manifest = await readManifest(dir);
  const h = createHash("sha256").update(JSON.stringify(CATALOG_ANALYSIS));
  for (const name of [MODEL_FILES.topology, MODEL_FILES.weights, MODEL_FILES.manifest]) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new InputFileError(path, `cannot read model file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
    h.update(`\n${name}:${bytes.length}\n`).update(bytes);
  }
  return {
    dir,
    key: h.digest("hex").slice(0, 16),
    labels: manifest.labels,
    description: `${manifest.architecture.name} created ${manifest.createdAt.slice(0, 10)}`,
  };
}
