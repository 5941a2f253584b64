/** What machine a run was on (recorded in results.json and printed above the tables). */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import type { MachineInfo } from "./schema.js";

/** Reads the machine's description; `root` is the project folder (for the git commit, read-only). */
export function machineInfo(root: string): MachineInfo {
  let gitCommit: string | null;
  try {
    gitCommit =
      execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    gitCommit = null; // not a git checkout (a tarball): fine
  }
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    totalMemGiB: totalmem() / 2 ** 30,
    nodeVersion: process.versions.node,
    platform: `${platform()} ${release()}`,
    loadAvg1: loadavg()[0] ?? 0,
    date: new Date().toISOString(),
    gitCommit,
  };
}
