/**
 * `timbrescope devices`: the capture devices PortAudio sees (id, name, host API, input channels,
 * default rate), for `live --device ID|NAME`. Needs the optional naudiodon package.
 *
 * The table (or --json) goes to stdout; PortAudio's ALSA/JACK probing chatter goes to stderr.
 */
import type { Command } from "commander";
import { listInputDevices } from "../audio/portaudio-source.js";
import type { DeviceInfo } from "../audio/portaudio-source.js";

/** Formats devices as an aligned text table (one header line, one line per device). */
export function formatDeviceTable(devices: readonly DeviceInfo[]): string {
  const rows = [
    ["id", "name", "host API", "inputs", "default rate"],
    ...devices.map((d) => [String(d.id), d.name, d.hostAPIName, String(d.maxInputChannels), `${d.defaultSampleRate} Hz`]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** Registers `devices` on `program`. */
export function registerDevices(program: Command): void {
  program
    .command("devices")
    .description("list audio capture devices for `live --device`")
    .option("--json", "print a JSON array instead of a table")
    .action(async (opts: { json?: boolean }) => {
      const devices = await listInputDevices();
      if (opts.json === true) {
        const out = devices.map((d) => ({
          id: d.id,
          name: d.name,
          hostApi: d.hostAPIName,
          inputs: d.maxInputChannels,
          defaultRateHz: d.defaultSampleRate,
        }));
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      } else if (devices.length === 0) {
        process.stdout.write("no capture devices found\n");
      } else {
        process.stdout.write(formatDeviceTable(devices));
      }
    });
}
