/**
 * The bridge's HTTP + WebSocket server: one port on 127.0.0.1 (never all interfaces: it accepts
 * control messages). GET serves the built UI from ui/dist when it exists (same origin as the
 * socket, so the UI needs no configuration), otherwise a small placeholder page that shows the
 * latest frame. The WebSocket endpoint is /ws; each connection is handed to the WsSink.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { UserError, oneLine } from "../src/errors.js";
import { log } from "../src/log.js";
import type { WsSink } from "./ws-sink.js";

/** Path of the WebSocket endpoint. */
export const WS_PATH = "/ws";

/** Options for {@link BridgeServer.start}. */
export interface BridgeServerOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Directory with the built UI (index.html); null: never serve one. Default: ui/dist of the project, if it exists. */
  readonly uiDir?: string | null;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2", ".map": "application/json",
};

/** ui/dist next to bridge/ (sources) or two levels up (dist/bridge/ in the build). */
function defaultUiDir(): string | undefined {
  for (const rel of ["../ui/dist", "../../ui/dist"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "index.html"))) return dir;
  }
  return undefined;
}

/** Shown when the UI has not been built: proves the socket works and says how to get the UI. */
export const PLACEHOLDER_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>timbrescope bridge</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:48em}pre{background:#f4f4f4;padding:1em}</style></head>
<body><h1>timbrescope bridge</h1>
<p>The UI is not built (no ui/dist). The WebSocket at <code>${WS_PATH}</code> is live; the latest messages:</p>
<pre id="hello">waiting for hello...</pre><pre id="frame"></pre><pre id="status"></pre>
<script>
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "${WS_PATH}");
let labels = [];
ws.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  if (m.type === "hello") { labels = m.classIds; document.getElementById("hello").textContent = "model " + m.modelId + ", hop " + m.hopSec + " s, source " + m.source.name; }
  if (m.type === "frame") document.getElementById("frame").textContent = "t = " + (m.startSample / m.sampleRateHz).toFixed(2) + " s\\n" +
    labels.map((l, i) => (m.active[i] ? "#" : " ") + " " + l.padEnd(18) + "#".repeat(Math.round(m.smoothed[i] * 40))).join("\\n");
  if (m.type === "status") document.getElementById("status").textContent = JSON.stringify(m, null, 1);
};
</script></body></html>
`;

/** A running bridge server. */
export class BridgeServer {
  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    /** The port actually bound. */
    readonly port: number,
    readonly host: string,
  ) {}

  /** http://host:port/ */
  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }

  /**
   * Listens on host:port and hands WebSocket connections to `sink`.
   * @throws UserError when the port cannot be bound
   */
  static async start(opts: BridgeServerOptions, sink: WsSink): Promise<BridgeServer> {
    const host = opts.host ?? "127.0.0.1";
    const uiDir = opts.uiDir === null ? undefined : (opts.uiDir ?? defaultUiDir());
    const http = createServer((req, res) => void serveStatic(req, res, uiDir));
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(opts.port, host, () => {
        http.off("error", reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new UserError(`Cannot serve on ${host}:${opts.port} (${oneLine(err)}); pick another --port`);
    });
    // Attached only once listening: ws re-emits server errors, and an unhandled one would throw.
    const wss = new WebSocketServer({ server: http, path: WS_PATH, maxPayload: 64 * 1024 });
    wss.on("connection", (socket) => sink.attach(socket));
    wss.on("error", (err) => log.warn(`ws server: ${oneLine(err)}`));
    const addr = http.address();
    const port = typeof addr === "object" && addr !== null ? addr.port : opts.port;
    return new BridgeServer(http, wss, port, host);
  }

  /** Stops accepting, closes open sockets, and stops the HTTP server. */
  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, uiDir: string | undefined): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (uiDir === undefined) {
    if (path !== "/" && path !== "/index.html") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : PLACEHOLDER_HTML);
    return;
  }
  const rel = normalize(path === "/" ? "/index.html" : path);
  const file = join(uiDir, rel);
  if (!file.startsWith(uiDir + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}
