/**
 * Runs a workload as a child process and watches it from outside through /proc: peak resident
 * memory (VmHWM, the kernel's high-water mark, which includes worker threads) and CPU time
 * (utime + stime of all threads), sampled every `sampleMs`. /usr/bin/time is not always installed,
 * and measuring from outside needs no cooperation from the child (the real CLI runs unchanged).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** One /proc sample. */
export interface ProcSample {
  /** ms since the child was spawned. */
  readonly tMs: number;
  /** CPU time used so far by all threads, ms. */
  readonly cpuMs: number;
  /** Peak resident set so far, KiB. */
  readonly hwmKiB: number;
}

/** What a finished child left behind. */
export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Largest VmHWM seen, KiB (0 if the child ended before the first sample). */
  readonly peakRssKiB: number;
  readonly samples: readonly ProcSample[];
}

/** Options of {@link runChild}. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Kill (SIGKILL) after this long, ms. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** /proc sampling period, ms. Default 100. */
  readonly sampleMs?: number;
  /** Called with the child's pid once it runs. */
  readonly onSpawn?: (pid: number) => void;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux ABI in use). */
const USER_HZ = 100;

/** Parses utime + stime (fields 14 and 15) of a /proc/PID/stat line into ms. */
export function parseStatCpuMs(stat: string): number {
  // The command name (field 2) may contain spaces and parentheses; fields resume after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unexpected /proc stat line: ${stat.slice(0, 80)}`);
  return ((utime + stime) * 1000) / USER_HZ;
}

/** Parses VmHWM (KiB) from a /proc/PID/status text; 0 when absent. */
export function parseVmHwmKiB(status: string): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return m === null ? 0 : Number(m[1]);
}

function sample(pid: number, t0: number): ProcSample | undefined {
  try {
    const cpuMs = parseStatCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
    const hwmKiB = parseVmHwmKiB(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { tMs: performance.now() - t0, cpuMs, hwmKiB };
  } catch {
    return undefined; // the child has just exited
  }
}

/** Spawns `command args`, samples it until it exits, and resolves with what it did. */
export function runChild(command: string, args: readonly string[], o: ChildOptions = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env: o.env ?? process.env, cwd: o.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const samples: ProcSample[] = [];
    const pid = child.pid;
    if (pid !== undefined) o.onSpawn?.(pid);
    const take = (): void => {
      if (pid === undefined) return;
      const s = sample(pid, t0);
      if (s !== undefined) samples.push(s);
    };
    const timer = setInterval(take, o.sampleMs ?? 100);
    const killer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 600_000);
    child.on("error", (e) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({
        code,
        signal,
        wallMs: performance.now() - t0,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        peakRssKiB: samples.reduce((m, s) => Math.max(m, s.hwmKiB), 0),
        samples,
      });
    });
  });
}

/** CPU time used between two moments (ms since spawn), from the samples nearest inside them, as % of one core. */
export function cpuShareBetween(samples: readonly ProcSample[], fromMs: number, toMs: number): number {
  const inside = samples.filter((s) => s.tMs >= fromMs && s.tMs <= toMs);
  const a = inside[0];
  const b = inside[inside.length - 1];
  if (a === undefined || b === undefined || b.tMs - a.tMs <= 0) return Number.NaN;
  return (100 * (b.cpuMs - a.cpuMs)) / (b.tMs - a.tMs);
}

/** One-line description of a failed child for error messages (exit status and stderr's tail). */
export function describeFailure(what: string, r: ChildRun): string {
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  return `${what} exited with ${r.signal ?? String(r.code)}: ${tail}`;
}
