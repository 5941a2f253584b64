/** Runs the CLI in-process and captures what it writes to stdout and stderr. */
import { runFullCli } from "../../bridge/cli.js";
import { setLogLevel, setLogWriter } from "../../src/log.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `timbrescope <argv>` and returns its exit code and output. */
export async function captureCli(argv: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  const prevLog = setLogWriter((line) => {
    stderr += line + "\n";
  });
  try {
    const code = await runFullCli(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    setLogWriter(prevLog);
    setLogLevel("info");
  }
}
