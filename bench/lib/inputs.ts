/**
 * Benchmark inputs, made on the fly in a temp folder (never committed): the bundled demo song
 * (assets/demo/demo-song.flac, 100 s, made with sox's synthesiser) resampled to 44.1 kHz stereo,
 * as most users' files are, and tiled to the length asked for, encoded as FLAC with sox.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The source audio every input is tiled from. */
export const DEMO_SONG = "assets/demo/demo-song.flac";

/** A temp folder of generated inputs; {@link InputFolder.track} makes each length once. */
export class InputFolder {
  readonly dir: string;
  private readonly made = new Map<number, string>();

  private constructor(
    dir: string,
    private readonly root: string,
  ) {
    this.dir = dir;
  }

  /** Creates the folder under the OS temp dir. `root` is the project root (where assets/ is). */
  static create(root: string): InputFolder {
    return new InputFolder(mkdtempSync(join(tmpdir(), "timbrescope-bench-")), root);
  }

  /** Path of a 44.1 kHz stereo 16-bit FLAC of `seconds` (whole seconds) of the demo song, tiled. */
  track(seconds: number): string {
    const have = this.made.get(seconds);
    if (have !== undefined) return have;
    const unit = join(this.dir, "unit-44k1-stereo.wav");
    if (!existsSync(unit))
      execFileSync("sox", [resolve(this.root, DEMO_SONG), "-r", "44100", "-c", "2", "-b", "16", unit], { stdio: "pipe" });
    // sox `repeat` takes a whole count of extra copies; the last copy is trimmed.
    const unitSec = Number(execFileSync("soxi", ["-D", unit], { encoding: "utf8" }));
    const repeats = Math.max(0, Math.ceil(seconds / unitSec) - 1);
    const out = join(this.dir, `track-${seconds}s.flac`);
    execFileSync("sox", [unit, out, "repeat", String(repeats), "trim", "0", String(seconds)], { stdio: "pipe" });
    this.made.set(seconds, out);
    return out;
  }

  /** Deletes the folder and everything in it. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
