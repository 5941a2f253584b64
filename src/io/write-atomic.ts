/**
 * Writing a file so that a reader, or a process killed mid-write, never sees it half-written: the
 * data goes to `<path>.<pid>.tmp` first and is renamed over `path` (atomic on one filesystem).
 */
import { rename, writeFile } from "node:fs/promises";

/** Writes `data` to `path` through a temporary file and a rename. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
