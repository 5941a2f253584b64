/**
 * The bridge's HTTP + WebSocket server: one port, on 127.0.0.1 unless told otherwise (it accepts
 * control messages). GET serves the built UI from ui/dist when it exists (same origin as the
 * socket, so the UI needs no configuration), otherwise a small placeholder page that shows the
 * latest frame. The WebSocket endpoint is /ws; each connection is handed to the WsSink.
 *
 * Access (src/config/bridge-access.ts): with a token, every request needs it (?token=, Bearer, or
 * the cookie set when a page is opened with a valid ?token=), else 401; on a loopback bind a Host
 * header that is not a loopback name gets 403 (DNS rebinding); a WebSocket upgrade from a browser
 * page of another origin gets 403; more than `maxClients` sockets get 503. Static files never
 * leave the UI folder (normalised path and realpath both checked); a malformed URL is a 400.
 */
import { existsSync, realpathSync } from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { TOKEN_COOKIE, hostAllowed, originAllowed, presentedToken, tokenMatches } from "../src/config/bridge-access.js";
import type { AccessPolicy } from "../src/config/bridge-access.js";
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
  /** Token and allowed origins (`host` here overrides the option above). Default: loopback, no token. */
  readonly access?: AccessPolicy;
  /** WebSocket clients at most; more are refused with 503. Default 32. */
  readonly maxClients?: number;
}

/** Requests and upgrades refused, by reason (the bridge reports them in its log). */
export interface RefusedCounts {
  token: number;
  origin: number;
  host: number;
  full: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
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
const token = new URLSearchParams(location.search).get("token");
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "${WS_PATH}" + (token === null ? "" : "?token=" + encodeURIComponent(token)));
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
    /** Refused requests and upgrades so far. */
    readonly refused: RefusedCounts,
  ) {}

  /** http://host:port/ (IPv6 hosts in brackets). */
  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}/`;
  }

  /**
   * Listens on host:port and hands WebSocket connections to `sink`.
   * @throws UserError when the port cannot be bound
   */
  static async start(opts: BridgeServerOptions, sink: WsSink): Promise<BridgeServer> {
    const host = (opts.access?.host ?? opts.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
    const access: AccessPolicy = { allowOrigins: [], oscAllow: [], ...opts.access, host };
    const uiDirRaw = opts.uiDir === null ? undefined : (opts.uiDir ?? defaultUiDir());
    // Compare against the real path so a ui/dist reached through a symlink still serves.
    const uiDir = uiDirRaw === undefined ? undefined : realpathOr(uiDirRaw);
    const refused: RefusedCounts = { token: 0, origin: 0, host: 0, full: 0 };
    const http = createServer((req, res) => {
      const denied = checkRequest(req, access);
      if (denied !== undefined) {
        refused[denied.reason]++;
        res.writeHead(denied.status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(denied.text + "\n");
        return;
      }
      serveStatic(req, res, uiDir, access).catch((err: unknown) => {
        log.warn(`http: ${oneLine(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(opts.port, host, () => {
        http.off("error", reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new UserError(`Cannot serve on ${host}:${opts.port} (${oneLine(err)}); pick another --port`);
    });
    const addr = http.address();
    const port = typeof addr === "object" && addr !== null ? addr.port : opts.port;
    // noServer: upgrades are checked here (token, origin, host, client limit) before ws sees them.
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    wss.on("connection", (socket) => sink.attach(socket));
    wss.on("error", (err) => log.warn(`ws server: ${oneLine(err)}`));
    const maxClients = opts.maxClients ?? 32;
    http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      const refuse = (status: number, text: string, reason: keyof RefusedCounts | undefined): void => {
        if (reason !== undefined) refused[reason]++;
        log.debug(
          `ws: refused an upgrade (${status} ${text}) from ${req.socket.remoteAddress ?? "?"}, origin ${req.headers.origin ?? "none"}`,
        );
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      let path: string;
      try {
        path = new URL(req.url ?? "/", "http://x").pathname;
      } catch {
        refuse(400, "Bad Request", undefined);
        return;
      }
      if (path !== WS_PATH) return refuse(404, "Not Found", undefined);
      const denied = checkRequest(req, access);
      if (denied !== undefined) return refuse(denied.status, denied.status === 401 ? "Unauthorized" : "Forbidden", denied.reason);
      if (!originAllowed(req.headers.origin, req.headers.host, port, access)) return refuse(403, "Forbidden", "origin");
      if (wss.clients.size >= maxClients) return refuse(503, "Service Unavailable", "full");
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
    return new BridgeServer(http, wss, port, host, refused);
  }

  /** Stops accepting, closes open sockets, and stops the HTTP server. */
  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Why a request is refused before it is served (token and Host checks), or undefined. */
function checkRequest(req: IncomingMessage, access: AccessPolicy): { status: number; reason: "token" | "host"; text: string } | undefined {
  if (!hostAllowed(req.headers.host, access)) {
    return { status: 403, reason: "host", text: "forbidden: this bridge answers only to localhost / 127.0.0.1" };
  }
  if (access.token === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://x");
  } catch {
    return { status: 401, reason: "token", text: "unauthorized: open the bridge with ?token=YOUR_TOKEN" };
  }
  if (!tokenMatches(presentedToken(url, req.headers), access.token)) {
    return { status: 401, reason: "token", text: "unauthorized: open the bridge with ?token=YOUR_TOKEN" };
  }
  return undefined;
}

/** Headers that keep the pages out of other sites' frames and stop content-type sniffing. */
const SAFE_HEADERS = { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer" };

async function serveStatic(req: IncomingMessage, res: ServerResponse, uiDir: string | undefined, access: AccessPolicy): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let path: string;
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://x");
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, { "content-type": "text/plain" }).end("bad request\n");
    return;
  }
  // A page opened with a valid ?token= keeps it in a cookie so its scripts, styles and socket work.
  const headers: Record<string, string> = { ...SAFE_HEADERS };
  if (access.token !== undefined && url.searchParams.has("token")) {
    headers["set-cookie"] = `${TOKEN_COOKIE}=${encodeURIComponent(access.token)}; Path=/; HttpOnly; SameSite=Strict`;
  }
  if (uiDir === undefined) {
    if (path !== "/" && path !== "/index.html") {
      res.writeHead(404, { ...headers, "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res
      .writeHead(200, { ...headers, "content-type": TYPES[".html"] ?? "text/html", "cache-control": "no-store" })
      .end(req.method === "HEAD" ? undefined : PLACEHOLDER_HTML);
    return;
  }
  const rel = normalize(path === "/" ? "/index.html" : path);
  const file = join(uiDir, rel);
  if (path.includes("\0") || !file.startsWith(uiDir + sep)) {
    res.writeHead(403, headers).end();
    return;
  }
  try {
    // A symlink inside ui/dist must not lead out of it either.
    const real = await realpath(file);
    if (!real.startsWith(uiDir + sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    const body = await readFile(real);
    res
      .writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { ...headers, "content-type": "text/plain" }).end("not found\n");
  }
}
