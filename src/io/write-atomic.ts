/**
 * Writing a file so that a reader, or a process killed mid-write, never sees it half-written: the
 * data goes to `<path>.<pid>.tmp` first and is renamed over `path` (atomic on one filesystem).
 * A `path` that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
 * written to directly: renaming over it would replace the device or pipe with a plain file (as
 * root, `--out /dev/null` once turned the machine's /dev/null into one).
 */
import { rename, stat, writeFile } from "node:fs/promises";

/** Writes `data` to `path` through a temporary file and a rename (directly to a device or pipe). */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) {
    await writeFile(path, data);
    return;
  }
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
