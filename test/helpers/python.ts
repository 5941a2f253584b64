/**
 * Runs an independent Python/NumPy/SciPy reference computation (Debian python3-numpy and
 * python3-scipy are installed by .ci/run). Used only as an oracle, never by the code under test.
 */
import { execFileSync } from "node:child_process";

let cached: string | undefined;

/** Returns a python3 executable that can import numpy and scipy, or throws saying what to install. */
export function pythonWithScipy(): string {
  if (cached !== undefined) return cached;
  for (const exe of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(exe, ["-c", "import numpy, scipy.signal"], { stdio: "ignore" });
      cached = exe;
      return exe;
    } catch {
      // try the next candidate
    }
  }
  throw new Error("no python3 with numpy and scipy found: apt-get install python3-numpy python3-scipy");
}

/** Runs `code` in Python with `input` on stdin; returns stdout. */
export function runPython(code: string, input = ""): string {
  return execFileSync(pythonWithScipy(), ["-c", code], { input, encoding: "utf8", maxBuffer: 1 << 28 });
}
