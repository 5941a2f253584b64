/** `catalog add`'s inputs: folders, audio files and path lists; content hashes; unchanged files not re-read. */
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addFiles, expandInputs } from "../../../src/catalog/add.js";
import { openCatalog } from "../../../src/catalog/db.js";
import { registeredFile } from "../../../src/catalog/index-store.js";
import { InputFileError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/audio-files.js";

const root = tempDir("timbrescope-catalog-add-");
const put = (rel: string, body = rel): string => {
  const p = join(root, rel);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, body);
  return p;
};
put("lib/a.WAV");
put("lib/deep/er/b.flac");
put("lib/deep/c.Ogg");
put("lib/cover.jpg");
put("lib/readme.txt");
put("other/d.mp3");
put("other/e.oga");
symlinkSync(join(root, "other", "d.mp3"), join(root, "lib", "link.mp3"));
symlinkSync(join(root, "other"), join(root, "lib", "folder-link"));
const list = put("lists/set.m3u", "#EXTM3U\n# a comment\n../other/d.mp3\n\n" + join(root, "other", "e.oga") + "\r\n../lib/deep\n");

describe("catalog add", () => {
  it("finds audio files in folders (recursively, not through folder links) and in path lists", async () => {
    expect(await expandInputs([join(root, "lib")])).toEqual(
      ["lib/a.WAV", "lib/deep/c.Ogg", "lib/deep/er/b.flac", "lib/link.mp3"].map((p) => join(root, p)),
    );
    expect(await expandInputs([list])).toEqual(
      ["other/d.mp3", "other/e.oga", "lib/deep/c.Ogg", "lib/deep/er/b.flac"].map((p) => join(root, p)),
    );
    // Duplicates across inputs are listed once.
    expect(await expandInputs([join(root, "other"), join(root, "other", "d.mp3")])).toHaveLength(2);
  });

  it("names a missing input or listed path", async () => {
    await expect(expandInputs([join(root, "nope")])).rejects.toThrow(/nope: no such file or folder/);
    const bad = put("lists/bad.txt", "../other/missing.flac\n");
    await expect(expandInputs([bad])).rejects.toThrow(InputFileError);
    await expect(expandInputs([bad])).rejects.toThrow(/missing\.flac: no such file \(listed in .*bad\.txt\)/);
    const notAudio = put("lists/not-audio.txt", "../lib/cover.jpg\n");
    await expect(expandInputs([notAudio])).rejects.toThrow(/cover\.jpg: not an audio file name/);
  });

  it("hashes content once and re-reads only changed files", async () => {
    const cat = openCatalog(join(root, "cat"), { create: true });
    try {
      const first = await addFiles(cat.db, [join(root, "other")]);
      expect(first).toMatchObject({ found: 2, added: 2, updated: 0, unchanged: 0, unreadable: 0 });
      const d = join(root, "other", "d.mp3");
      expect(registeredFile(cat.db, d)?.hash).toBe(createHash("sha256").update("other/d.mp3").digest("hex"));
      expect(await addFiles(cat.db, [join(root, "other")])).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
      writeFileSync(d, "new content");
      utimesSync(d, new Date(2030, 0, 1), new Date(2030, 0, 1));
      expect(await addFiles(cat.db, [join(root, "other")])).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
      expect(registeredFile(cat.db, d)?.hash).toBe(createHash("sha256").update("new content").digest("hex"));
    } finally {
      cat.close();
    }
  });
});
