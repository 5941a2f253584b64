/**
 * Every way a user can hand us a bad file ends in one InputFileError whose one-line message starts
 * with the path and names the problem; cut-off compressed files decode what is there; and no
 * truncation or corruption makes the decoders hang, crash or throw anything else.
 */
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeBytes, decodeFile, fsError } from "../../../src/audio/decode.js";
import { InputFileError } from "../../../src/errors.js";
import { setLogWriter } from "../../../src/log.js";
import { pcmSignal, tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";

const dir = tempDir();
chmodSync(dir, 0o755); // traversable by the unprivileged user of the permission test

/** Awaits `p`, which must reject with an InputFileError for `path` whose message matches `problem`. */
async function expectInputError(p: Promise<unknown>, path: string, problem: RegExp): Promise<string> {
  const err: unknown = await p.then(
    () => new Error("resolved, expected an InputFileError"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFileError);
  const msg = (err as InputFileError).message;
  expect(msg.startsWith(`${path}: `), msg).toBe(true);
  expect(msg).toMatch(problem);
  expect(msg).not.toContain("\n");
  expect((err as InputFileError).path).toBe(path);
  return msg;
}

const wav16 = (frames: number, extra: Partial<Parameters<typeof wavBytes>[0]> = {}): Uint8Array =>
  wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: pcmSignal(frames, 2, 16), ...extra });

describe("file system problems", () => {
  it("missing file", async () => {
    const p = join(dir, "nope", "missing.wav");
    await expectInputError(decodeFile(p), p, /file not found/);
  });

  it("a directory", async () => {
    await expectInputError(decodeFile(dir), dir, /is a directory/);
  });

  it("a device, not a regular file", async () => {
    await expectInputError(decodeFile("/dev/null"), "/dev/null", /not a regular file/);
  });

  it("unreadable file (permission denied)", async () => {
    const sub = join(dir, "locked");
    mkdirSync(sub);
    chmodSync(sub, 0o755);
    const p = writeFile(sub, "locked.wav", wav16(100));
    chmodSync(p, 0o000);
    // root reads any file, so as root act as "nobody" for this call (effective uid only, restored).
    const asRoot = process.geteuid?.() === 0;
    let dropped = false;
    try {
      if (asRoot) {
        process.seteuid?.(65534);
        dropped = true;
      }
    } catch {
      // a container that cannot switch uid: check the errno mapping on the same code instead
    }
    try {
      if (asRoot && !dropped) {
        const eacces = Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: "EACCES" });
        expect(fsError(p, eacces).message).toBe(`${p}: permission denied (the file is not readable by this user)`);
      } else await expectInputError(decodeFile(p), p, /permission denied/);
    } finally {
      if (dropped) process.seteuid?.(0);
    }
  });

  it("empty file (0 bytes)", async () => {
    const p = writeFile(dir, "empty.wav", new Uint8Array(0));
    await expectInputError(decodeFile(p), p, /empty file \(0 bytes\)/);
  });
});

describe("WAV problems", () => {
  it("truncated: data chunk declares more bytes than the file has", async () => {
    const full = wav16(1000);
    const p = writeFile(dir, "cut.wav", full.subarray(0, full.length - 999));
    await expectInputError(
      decodeFile(p),
      p,
      /truncated WAV: the data chunk declares 4000 bytes \(1000 frames\) but only 3001 bytes follow/,
    );
  });

  it("truncated inside the header", async () => {
    const inFmt = writeFile(dir, "in-fmt.wav", wav16(10).subarray(0, 30));
    await expectInputError(decodeFile(inFmt), inFmt, /truncated WAV: the file ends inside the fmt chunk \(30 bytes\)/);
    const noData = writeFile(dir, "no-data.wav", wav16(10).subarray(0, 40));
    await expectInputError(decodeFile(noData), noData, /truncated or malformed WAV: no data chunk before the end of the file \(40 bytes\)/);
  });

  it("zero-length audio (0 frames)", async () => {
    const p = writeFile(dir, "zero.wav", wav16(0));
    await expectInputError(decodeFile(p), p, /no audio samples \(0 frames of wav\/pcm16\)/);
  });

  it("unsupported WAV encoding (A-law, written by sox)", async () => {
    const src = writeFile(dir, "alaw-src.wav", wav16(500));
    const p = join(dir, "alaw.wav");
    tool("sox", [src, "-e", "a-law", p]);
    await expectInputError(decodeFile(p), p, /unsupported WAV encoding: format tag 0x0006 \(A-law\)/);
  });
});

describe("unsupported formats say what the bytes look like", () => {
  it("random bytes", async () => {
    const p = writeFile(
      dir,
      "noise.wav",
      Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff),
    );
    await expectInputError(decodeFile(p), p, /unsupported format \(not WAV, FLAC, MP3 or OGG Vorbis\): starts with 0b 30 55 7a/);
  });

  it("AIFF (written by sox) is named", async () => {
    const src = writeFile(dir, "aiff-src.wav", wav16(500));
    const p = join(dir, "x.aiff");
    tool("sox", [src, p]);
    await expectInputError(decodeFile(p), p, /unsupported format \(not WAV, FLAC, MP3 or OGG Vorbis\): looks like AIFF/);
  });

  it("Ogg Opus is named", async () => {
    // A first Ogg page whose only packet starts with "OpusHead".
    const packet = [..."OpusHead"].map((c) => c.charCodeAt(0)).concat([1, 2, 0, 0, 0x80, 0xbb, 0, 0, 0, 0, 0]);
    const page = new Uint8Array(
      [..."OggS"].map((c) => c.charCodeAt(0)).concat([0, 2], new Array<number>(20).fill(0), [1, packet.length], packet),
    );
    const p = writeFile(dir, "x.opus", page);
    await expectInputError(decodeFile(p), p, /Ogg container with Opus/);
  });

  it("FLAC magic followed by garbage", async () => {
    const p = writeFile(dir, "garbage.flac", new Uint8Array([0x66, 0x4c, 0x61, 0x43, ...new Array<number>(600).fill(7)]));
    await expectInputError(decodeFile(p), p, /no audio could be decoded from this FLAC file/);
  });
});

describe("cut-off and corrupt compressed files", () => {
  const files: Record<string, Uint8Array> = {};
  let restore: ((l: string) => void) | undefined;
  let lines: string[] = [];
  beforeAll(() => {
    const frames = 44100;
    const src = writeFile(dir, "c-src.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: toneInt16(frames, 2, 44100) }));
    const enc: Record<string, () => void> = {
      flac: () => tool("flac", ["--silent", "--force", "-o", join(dir, "c.flac"), src]),
      "ogg-flac": () => tool("flac", ["--silent", "--force", "--ogg", "-o", join(dir, "c.ogg-flac"), src]),
      mp3: () => tool("lame", ["--quiet", "-b", "128", src, join(dir, "c.mp3")]),
      ogg: () => tool("oggenc", ["--quiet", "-q", "3", "-o", join(dir, "c.ogg"), src]),
    };
    for (const [k, f] of Object.entries(enc)) {
      f();
      files[k] = readFileSync(join(dir, `c.${k}`));
    }
    files["wav"] = readFileSync(src);
  });
  afterEach(() => {
    if (restore !== undefined) setLogWriter(restore);
    restore = undefined;
  });
  const capture = (): void => {
    lines = [];
    restore = setLogWriter((l) => lines.push(l));
  };

  it.each(["flac", "mp3", "ogg"])("%s cut in half decodes the first part", async (k) => {
    capture();
    const bytes = files[k] as Uint8Array;
    const got = await decodeBytes(bytes.subarray(0, bytes.length >> 1), `half.${k}`);
    const n = got.channels[0]?.length ?? 0;
    // Bits are not spread evenly over time (the chirp gets harder to code), hence the wide range.
    expect(n).toBeGreaterThan(44100 * 0.2);
    expect(n).toBeLessThan(44100 * 0.95);
    if (k === "flac") expect(lines.some((l) => /half\.flac: truncated FLAC: decoded \d+ of the 44100 frames/.test(l))).toBe(true);
  });

  it("Ogg Vorbis with only its first page gives a clear error", async () => {
    const p = writeFile(dir, "first-page.ogg", (files["ogg"] as Uint8Array).subarray(0, 100));
    await expectInputError(decodeFile(p), p, /no audio could be decoded from this Ogg Vorbis file/);
  });

  it("decoder messages never reach the console", async () => {
    capture();
    const spy = vi.spyOn(console, "error");
    const mp3 = (files["mp3"] as Uint8Array).slice();
    for (let i = mp3.length >> 2; i < (mp3.length >> 2) + 3000; i++) mp3[i] = (i * 7) & 0xff;
    await decodeBytes(mp3, "corrupt.mp3");
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(lines.some((l) => /corrupt\.mp3: \d+ MPEG audio decode error/.test(l))).toBe(true);
  });

  it.each(["wav", "flac", "ogg-flac", "mp3", "ogg"])(
    "%s: 40 truncations and corruptions only ever give audio or an InputFileError",
    async (k) => {
      capture();
      const bytes = files[k] as Uint8Array;
      let decoded = 0;
      let refused = 0;
      for (let t = 0; t < 40; t++) {
        let b: Uint8Array;
        if (t < 20)
          b = bytes.subarray(0, Math.floor((bytes.length * t) / 20) + (t % 3)); // cut points incl. inside headers
        else {
          b = bytes.slice();
          let s = t * 7919;
          for (let j = 0; j < 64; j++) {
            s = (Math.imul(1664525, s) + 1013904223) >>> 0;
            b[s % b.length] = s >>> 24; // scattered byte damage, headers included
          }
        }
        try {
          const got = await decodeBytes(b, `fuzz-${t}.${k}`);
          expect(got.channels.length).toBeGreaterThan(0);
          for (const ch of got.channels) for (const v of ch) if (!Number.isFinite(v)) throw new Error("non-finite sample");
          decoded++;
        } catch (err) {
          expect(err, `cut/corruption ${t}`).toBeInstanceOf(InputFileError);
          expect((err as Error).message.startsWith(`fuzz-${t}.${k}: `)).toBe(true);
          refused++;
        }
      }
      expect(decoded + refused).toBe(40);
      expect(refused).toBeGreaterThan(0); // at least the 0-byte cut
    },
  );
});
