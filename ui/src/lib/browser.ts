/**
 * Browser glue (the only lib module that touches DOM APIs): the WebSocket adapter for
 * BridgeClient and the bridge's URL. Same origin by default (the bridge serves this page);
 * `?bridge=ws://host:port/ws` points the page elsewhere.
 */
import type { SocketFactory } from "./bridge-client.js";

/** WebSocket path of the bridge (bridge/server.ts WS_PATH). */
export const WS_PATH = "/ws";

/**
 * ws(s)://<this page's host>/ws, or the `bridge` query parameter. A `token` query parameter (a
 * bridge started with --token) is passed on to the socket as well (the bridge also sets a cookie).
 */
export function bridgeUrl(loc: Location = window.location): string {
  const params = new URLSearchParams(loc.search);
  const given = params.get("bridge");
  const token = params.get("token");
  const base = given !== null && given !== "" ? given : `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${WS_PATH}`;
  if (token === null || token === "") return base;
  const url = new URL(base);
  url.searchParams.set("token", token);
  return url.href;
}

/** Opens a browser WebSocket and reports its events to the client. */
export const browserSocket: SocketFactory = (url, on) => {
  const ws = new WebSocket(url);
  ws.onopen = () => on.open();
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === "string") on.message(e.data);
  };
  ws.onclose = (e: CloseEvent) => on.close(e.code, e.reason);
  // An error is always followed by close, which is what the client acts on.
  ws.onerror = () => undefined;
  return {
    send: (text) => ws.send(text),
    close: () => {
      ws.onclose = null;
      ws.close();
    },
  };
};

/** localStorage, or undefined where the browser refuses it (private mode, sandboxed frames). */
export function pageStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
