/**
 * Capture without sound hardware (docs/audio-io.md §4): ALSA `file` PCMs whose infile
 * is a raw S16LE recording, with a `null` slave (unpaced, no daemon) and a `pulse` slave (paced
 * by a private PulseAudio null sink). alsa-lib reads $XDG_CONFIG_HOME/alsa/asoundrc, so HOME and
 * /etc stay untouched; set XDG_CONFIG_HOME before naudiodon is first used in the process.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { s16leBytes } from "./live-signals.js";

/** One recording offered as a capture device. */
export interface VirtualMedia {
  /** Device names become `filecap_<name>` (unpaced) and `filecap_<name>_paced`. */
  readonly name: string;
  readonly channels: readonly Int32Array[];
}

/** Writes raw media and the asoundrc into `dir`; returns the XDG_CONFIG_HOME to use. */
export function writeVirtualDevices(dir: string, media: readonly VirtualMedia[]): string {
  const cfg = join(dir, "xdg");
  mkdirSync(join(cfg, "alsa"), { recursive: true });
  const pcms = media.map((m) => {
    const raw = join(dir, `${m.name}.s16le`);
    writeFileSync(raw, s16leBytes(m.channels));
    const pcm = (name: string, slave: string): string =>
      `pcm.${name} {\n  type file\n  slave.pcm "${slave}"\n  file "/dev/null"\n  infile "${raw}"\n  format "raw"\n}\n`;
    return pcm(`filecap_${m.name}`, "null") + pcm(`filecap_${m.name}_paced`, "pulse");
  });
  writeFileSync(join(cfg, "alsa", "asoundrc"), pcms.join("\n"));
  return cfg;
}

/** A private PulseAudio with a 48 kHz mono null sink and the keepalive reader docs/audio-io.md §4.3 requires. */
export interface PrivatePulse {
  /** Environment for clients: PULSE_SERVER (and a private runtime dir). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts PulseAudio in user mode under `dir` (about 2 s). Throws with pulse's log on failure.
 * Stopping kills only the processes started here.
 */
export async function startPrivatePulse(dir: string, rateHz = 48000, channels = 1): Promise<PrivatePulse> {
  const d = join(dir, "pulse");
  for (const sub of ["run", "state", "home/.config/pulse"]) mkdirSync(join(d, sub), { recursive: true, mode: 0o700 });
  const socket = join(d, "run", "native");
  writeFileSync(
    join(d, "default.pa"),
    `load-module module-native-protocol-unix auth-anonymous=1 socket=${socket}\n` +
      `load-module module-null-sink sink_name=vsink format=s16le rate=${rateHz} channels=${channels}\n` +
      "set-default-sink vsink\nset-default-source vsink.monitor\n",
  );
  writeFileSync(
    join(d, "home/.config/pulse/daemon.conf"),
    `default-sample-rate = ${rateHz}\ndefault-sample-format = s16le\ndefault-sample-channels = ${channels}\navoid-resampling = yes\n`,
  );
  const env = {
    HOME: join(d, "home"),
    XDG_RUNTIME_DIR: join(d, "run"),
    PULSE_RUNTIME_PATH: join(d, "run"),
    PULSE_STATE_PATH: join(d, "state"),
    PULSE_SERVER: `unix:${socket}`,
  };
  const childEnv = { ...process.env, ...env };
  const daemon = spawn(
    "pulseaudio",
    [
      "-n",
      "-F",
      join(d, "default.pa"),
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--use-pid-file=no",
      "--disable-shm=yes",
      `--log-target=file:${join(d, "pulse.log")}`,
      "--log-level=info",
    ],
    { env: childEnv, stdio: "ignore" },
  );
  const kill = async (p: ChildProcess): Promise<void> => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    await gone;
  };
  const t0 = Date.now();
  for (;;) {
    try {
      execFileSync("pactl", ["info"], { env: childEnv, stdio: "ignore" });
      break;
    } catch {
      if (Date.now() - t0 > 10_000 || daemon.exitCode !== null) {
        await kill(daemon);
        throw new Error(`PulseAudio did not start (see ${join(d, "pulse.log")})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // An idle null sink renders in ~2 s blocks; a 5 ms reader keeps it ticking (docs/audio-io.md §4.3).
  const keepalive = spawn("parec", ["--latency-msec=5", "--raw", "-d", "vsink.monitor"], {
    env: childEnv,
    stdio: ["ignore", "ignore", "ignore"],
  });
  execFileSync("sh", ["-c", "timeout 5 sh -c 'parec --latency-msec=5 --raw -d vsink.monitor 2>/dev/null | head -c 4800 > /dev/null'"], {
    env: childEnv,
  });
  return {
    env,
    stop: async () => {
      await kill(keepalive);
      await kill(daemon);
    },
  };
}
