/**
 * Raw HTTP/1.1 over a TCP socket to 127.0.0.1, for requests a real client would normalise away
 * (`/../`, bad percent escapes, a hostile Host or Origin header) and WebSocket upgrade attempts.
 */
import { connect } from "node:net";

/** Status line code and the whole response text. */
export interface RawResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * Sends `GET path` (or a WebSocket upgrade when `upgrade`) with `headers` and reads the answer until
 * the server closes or `ms` pass (an accepted upgrade stays open: the 101 is returned then).
 */
export function rawRequest(
  port: number,
  path: string,
  opts: { headers?: Record<string, string>; upgrade?: boolean; ms?: number } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: opts.upgrade === true ? "Upgrade" : "close",
    ...opts.headers,
  };
  if (opts.upgrade === true) {
    headers["upgrade"] = "websocket";
    headers["sec-websocket-version"] = "13";
    headers["sec-websocket-key"] = "dGhlIHNhbXBsZSBub25jZQ==";
  }
  const head =
    `GET ${path} HTTP/1.1\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("") +
    "\r\n";
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m === null ? 0 : Number(m[1]), text });
    };
    const timer = setTimeout(done, opts.ms ?? 2000);
    sock.on("connect", () => sock.write(head));
    sock.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      if (opts.upgrade === true && text.includes("\r\n\r\n")) done();
    });
    sock.on("end", done);
    sock.on("error", (e) => {
      clearTimeout(timer);
      if (text === "") reject(e);
      else done();
    });
  });
}
