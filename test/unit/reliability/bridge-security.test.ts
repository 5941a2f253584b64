/**
 * Nobody gets in who shouldn't: the bridge's HTTP + WebSocket server with a token, the Origin and
 * Host checks, the client limit, and static serving that cannot leave ui/dist. Everything binds
 * 127.0.0.1 (a token on loopback exercises the same checks a non-loopback bind enforces).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import { planAccess } from "../../../src/config/bridge-access.js";
import { tempDir } from "../../helpers/audio-files.js";
import { SESSION } from "../../helpers/pipeline-data.js";
import { rawRequest } from "../../helpers/raw-http.js";
import { TestClient } from "../../helpers/ws-client.js";

const TOKEN = "tok-" + "0123456789abcdef";
const dir = tempDir("timbrescope-sec-");
const ui = join(dir, "dist");
mkdirSync(join(ui, "assets"), { recursive: true });
writeFileSync(join(ui, "index.html"), "<html>ui</html>");
writeFileSync(join(ui, "assets", "app.js"), "console.log(1)");
writeFileSync(join(dir, "secret.txt"), "TOP-SECRET");
symlinkSync(join(dir, "secret.txt"), join(ui, "assets", "leak.txt"));

/** Resolves true when a ws client can open `url` (with optional headers), false when refused. */
function opens(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => {
      ws.terminate();
      resolve(true);
    });
    ws.once("error", () => resolve(false));
  });
}

describe("with a token", () => {
  let server: BridgeServer;
  let sink: WsSink;
  beforeAll(async () => {
    sink = new WsSink();
    sink.write({ type: "session", session: SESSION });
    server = await BridgeServer.start({ port: 0, uiDir: ui, access: planAccess({ token: TOKEN }, {}) }, sink);
  });
  afterAll(async () => {
    await sink.close();
    await server.close();
  });

  it("HTTP: 401 without or with a wrong token; ?token= serves and sets a cookie that later requests use", async () => {
    const base = server.url;
    expect((await fetch(base)).status).toBe(401);
    expect(await (await fetch(base)).text()).toMatch(/open the bridge with \?token=/);
    expect((await fetch(`${base}?token=wrong-token-0123456789`)).status).toBe(401);
    const ok = await fetch(`${base}?token=${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("<html>ui</html>");
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^timbrescope_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const js = await fetch(`${base}assets/app.js`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(js.status).toBe(200);
    expect((await fetch(`${base}assets/app.js`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(server.refused.token).toBeGreaterThanOrEqual(2);
  });

  it("WebSocket: refused without the token, open with ?token= (hello arrives) or the cookie", async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    expect(await opens(ws)).toBe(false);
    expect(await opens(`${ws}?token=nope-nope-nope-nope`)).toBe(false);
    expect((await rawRequest(server.port, "/ws", { upgrade: true })).status).toBe(401);
    const c = await TestClient.connect(`${ws}?token=${TOKEN}`);
    expect(await c.until((x) => x.of("hello").length === 1)).toBe(true);
    c.close();
    expect(await opens(ws, { cookie: `timbrescope_token=${TOKEN}` })).toBe(true);
  });
});

describe("origin, host and client limit (no token)", () => {
  let server: BridgeServer;
  const sink = new WsSink();
  beforeAll(async () => {
    server = await BridgeServer.start(
      { port: 0, uiDir: ui, maxClients: 2, access: planAccess({ allowOrigin: ["http://localhost:5173"] }, {}) },
      sink,
    );
  });
  afterAll(async () => {
    await sink.close();
    await server.close();
  });

  it("a page of another origin cannot open the socket; the bridge's own origin, its aliases and --allow-origin can", async () => {
    const up = async (origin?: string): Promise<number> =>
      (await rawRequest(server.port, "/ws", { upgrade: true, ...(origin === undefined ? {} : { headers: { origin } }) })).status;
    expect(await up("https://evil.example")).toBe(403);
    expect(await up(`http://evil.example:${server.port}`)).toBe(403);
    expect(await up("null")).toBe(403);
    expect(await up(`http://127.0.0.1:${server.port}`)).toBe(101);
    expect(await up(`http://localhost:${server.port}`)).toBe(101);
    expect(await up("http://localhost:5173")).toBe(101);
    expect(await up()).toBe(101); // not a browser
    expect(server.refused.origin).toBe(3);
  });

  it("a Host header that is not loopback (DNS rebinding) gets 403 on HTTP and WebSocket", async () => {
    expect((await rawRequest(server.port, "/", { headers: { host: `rebind.attacker.test:${server.port}` } })).status).toBe(403);
    expect(
      (
        await rawRequest(server.port, "/ws", {
          upgrade: true,
          headers: { host: `rebind.attacker.test:${server.port}`, origin: `http://rebind.attacker.test:${server.port}` },
        })
      ).status,
    ).toBe(403);
    expect((await rawRequest(server.port, "/", { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it("refuses sockets beyond maxClients with 503", async () => {
    await new Promise((r) => setTimeout(r, 50)); // the raw upgrades above have closed
    const a = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const b = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    expect((await rawRequest(server.port, "/ws", { upgrade: true })).status).toBe(503);
    a.close();
    b.close();
  });

  it("static files never leave ui/dist: traversal, encoded traversal, NUL, bad escapes, symlinks out", async () => {
    const attempts = [
      "/../secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/assets/../../secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/index.html%00.js",
      "/%E0%A4%A",
      "/%",
      "//etc/passwd",
      "/assets/leak.txt",
      `/${"../".repeat(20)}etc/passwd`,
    ];
    for (const p of attempts) {
      const r = await rawRequest(server.port, p);
      expect([400, 403, 404], `${p}: ${r.text.slice(0, 40)}`).toContain(r.status);
      expect(r.text, p).not.toContain("TOP-SECRET");
      expect(r.text, p).not.toContain("root:");
    }
    // still serving after all of that
    expect((await rawRequest(server.port, "/")).status).toBe(200);
    expect((await rawRequest(server.port, "/assets/app.js")).text).toContain("console.log(1)");
  });
});
