/**
 * scripts/ensure-system-deps.sh, the first step of `npm test`, run on a stand-in repository (a copy
 * of the script beside its own .ci/apt-packages.txt): silent when every package is installed; one
 * line naming the exact apt-get command when it cannot install (not root, no sudo), checked both as
 * a real unprivileged user (setpriv, when the tests run as root) and with `id` / `sudo` stubbed on
 * PATH; and, as root, apt-get called with exactly the missing packages (apt-get stubbed).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/audio-files.js";

const SCRIPT = "scripts/ensure-system-deps.sh";
const ABSENT = "timbrescope-test-absent-package";
const hasDpkg = spawnSync("sh", ["-c", "command -v dpkg-query"]).status === 0;
const root = tempDir("timbrescope-deps-");
chmodSync(root, 0o755);
let repos = 0;

/** A stand-in repository holding the script and `list` as its .ci/apt-packages.txt. */
function repoWith(list: string): string {
  const dir = join(root, `repo${repos++}`);
  mkdirSync(join(dir, "scripts"), { recursive: true });
  mkdirSync(join(dir, ".ci"));
  copyFileSync(SCRIPT, join(dir, SCRIPT));
  writeFileSync(join(dir, ".ci/apt-packages.txt"), list);
  for (const p of [dir, join(dir, "scripts"), join(dir, ".ci")]) chmodSync(p, 0o755);
  for (const p of [join(dir, SCRIPT), join(dir, ".ci/apt-packages.txt")]) chmodSync(p, 0o644);
  return dir;
}

/** A folder of stub commands (name -> sh body) to put first on PATH. */
function stubs(dir: string, commands: Record<string, string>): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  chmodSync(bin, 0o755);
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

function run(repo: string, opts: { bin?: string; asNobody?: boolean } = {}): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: opts.bin === undefined ? (process.env["PATH"] ?? "") : `${opts.bin}:${process.env["PATH"] ?? ""}`,
  };
  delete env["DEBIAN_FRONTEND"];
  const cmd = opts.asNobody === true ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash"] : ["bash"];
  const r = spawnSync(cmd[0] as string, [...cmd.slice(1), join(repo, SCRIPT)], { env, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LIST = `# a comment line\nbash\n\n${ABSENT}   # a trailing comment\ncoreutils\n`;
const ONE_LINE = `npm test needs 1 Debian package(s) that are not installed; as root run: apt-get update && apt-get install -y --no-install-recommends ${ABSENT}\n`;

describe.skipIf(!hasDpkg)("npm test's system dependency check", () => {
  it("is silent and succeeds when every listed package is installed", () => {
    const r = run(repoWith("bash\ncoreutils\n"));
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("stops with one line naming the apt-get command when it cannot install (no root, no sudo)", () => {
    const repo = repoWith(LIST);
    const r = run(repo, { bin: stubs(repo, { id: "echo 1000", sudo: "exit 1" }) });
    expect(r).toEqual({ code: 1, stdout: "", stderr: ONE_LINE });
  });

  it.skipIf(process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv"))("says the same as a real unprivileged user", () => {
    const repo = repoWith(LIST);
    const r = run(repo, { bin: stubs(repo, { sudo: "exit 1" }), asNobody: true });
    expect(r).toEqual({ code: 1, stdout: "", stderr: ONE_LINE });
  });

  it("as root, installs exactly the missing packages, without recommends and without questions", () => {
    const repo = repoWith(LIST);
    const calls = join(repo, "apt-calls.txt");
    const r = run(repo, { bin: stubs(repo, { id: "echo 0", "apt-get": `echo "$DEBIAN_FRONTEND $*" >> ${calls}` }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`installing the 1 Debian package(s) the tests need: ${ABSENT}\n`);
    expect(readFileSync(calls, "utf8")).toBe(` update -qq\nnoninteractive install -y -qq --no-install-recommends ${ABSENT}\n`);
  });
});
