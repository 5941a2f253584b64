/**
 * writeAtomic (src/io/write-atomic.ts): a regular file is replaced whole through a temporary file;
 * a named pipe (like /dev/null, a target that is not a regular file) receives the data and stays a
 * pipe instead of being replaced by a plain file.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeAtomic } from "../../../src/io/write-atomic.js";

const dir = mkdtempSync(join(tmpdir(), "ts-write-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeAtomic", () => {
  it("replaces a regular file whole and leaves no temporary file", async () => {
    const path = join(dir, "report.json");
    writeFileSync(path, "old contents, longer than the new ones");
    await writeAtomic(path, "{}\n");
    expect(readFileSync(path, "utf8")).toBe("{}\n");
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("writes into a named pipe and leaves it a pipe", async () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    // Read-write and non-blocking: opening never waits for a writer, reading never waits for data,
    // so a regression fails the assertions instead of hanging the run.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      await writeAtomic(fifo, "through the pipe\n");
      const buf = Buffer.alloc(64);
      let n = 0;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch {
        n = 0; // EAGAIN: nothing arrived
      }
      expect(buf.subarray(0, n).toString("utf8")).toBe("through the pipe\n");
      expect(statSync(fifo).isFIFO()).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});
