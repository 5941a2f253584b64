/**
 * The bridge's access rules as pure functions: which --host needs a token, how tokens are compared
 * and presented, which Origin / Host headers pass, which OSC sources may control, and that record
 * file names cannot leave --record-dir (traversal, absolute paths, symlinks).
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MIN_TOKEN_LENGTH,
  confineRecordPath,
  hostAllowed,
  isLoopback,
  originAllowed,
  oscSourceAllowed,
  planAccess,
  presentedToken,
  timestampedRecordName,
  tokenMatches,
} from "../../../src/config/bridge-access.js";
import { tempDir } from "../../helpers/audio-files.js";

const TOKEN = "s3cret-token-0123456789";
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("planAccess", () => {
  it("defaults to 127.0.0.1 without a token; other addresses need one (flag or environment)", () => {
    expect(planAccess({}, {})).toEqual({ host: "127.0.0.1", allowOrigins: [], oscAllow: [] });
    expect(planAccess({ host: "::1" }, {}).host).toBe("::1");
    expect(err(() => planAccess({ host: "0.0.0.0" }, {}))).toBe(
      "--host 0.0.0.0 exposes the bridge beyond this machine: it needs --token or TIMBRESCOPE_TOKEN (at least 16 characters)",
    );
    expect(planAccess({ host: "0.0.0.0", token: TOKEN }, {}).token).toBe(TOKEN);
    expect(planAccess({ host: "192.168.1.20" }, { TIMBRESCOPE_TOKEN: TOKEN }).token).toBe(TOKEN);
    expect(err(() => planAccess({ host: "0.0.0.0", token: "short" }, {}))).toBe(
      `Expected --token (or TIMBRESCOPE_TOKEN) at least ${MIN_TOKEN_LENGTH} characters without spaces, got 5 characters`,
    );
    expect(err(() => planAccess({ host: "bad host!" }, {}))).toBe('Expected --host an IP address or host name, got "bad host!"');
  });

  it("validates --allow-origin and --osc-allow, naming the value", () => {
    expect(planAccess({ allowOrigin: ["http://localhost:5173/"] }, {}).allowOrigins).toEqual(["http://localhost:5173"]);
    expect(err(() => planAccess({ allowOrigin: ["localhost:5173"] }, {}))).toMatch(
      /^Expected --allow-origin an origin like http:\/\/localhost:5173.*got "localhost:5173"$/,
    );
    expect(err(() => planAccess({ allowOrigin: ["http://x.org/path"] }, {}))).toMatch(
      /scheme, host and port only\), got "http:\/\/x\.org\/path"$/,
    );
    expect(planAccess({ oscAllow: "192.168.1.7, 10.0.0.2" }, {}).oscAllow).toEqual(["192.168.1.7", "10.0.0.2"]);
    expect(err(() => planAccess({ oscAllow: "192.168.1.7,lights" }, {}))).toBe(
      'Expected --osc-allow a comma-separated list of IP addresses, got "lights"',
    );
  });
});

describe("tokens, hosts and origins", () => {
  const loop = planAccess({ token: TOKEN }, {});
  const wide = planAccess({ host: "0.0.0.0", token: TOKEN }, {});

  it("tokens are compared exactly and read from ?token=, Bearer or the cookie", () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN + "x", TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(1), TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    const u = (s: string): URL => new URL(s, "http://x");
    expect(presentedToken(u(`/ws?token=${TOKEN}`), {})).toBe(TOKEN);
    expect(presentedToken(u("/"), { authorization: `Bearer ${TOKEN}` })).toBe(TOKEN);
    expect(presentedToken(u("/"), { cookie: `a=b; timbrescope_token=${encodeURIComponent(TOKEN)}` })).toBe(TOKEN);
    expect(presentedToken(u("/"), { cookie: "timbrescope_token=%E0%A4%A" })).toBeUndefined();
  });

  it("loopback binds answer only to loopback Host names (DNS rebinding)", () => {
    for (const h of ["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST", undefined])
      expect(hostAllowed(h, loop), String(h)).toBe(true);
    for (const h of ["evil.example:8080", "rebind.attacker.test", "192.168.1.2:8080"]) expect(hostAllowed(h, loop), h).toBe(false);
    expect(hostAllowed("bridge.lan:8080", wide)).toBe(true);
    expect(isLoopback("127.3.4.5")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
  });

  it("WebSocket origins: none (not a browser), the bridge's own, loopback aliases, --allow-origin; nothing else", () => {
    const dev = planAccess({ allowOrigin: ["http://localhost:5173"] }, {});
    const ok: [string | undefined, string, number][] = [
      [undefined, "127.0.0.1:8080", 8080],
      ["http://127.0.0.1:8080", "127.0.0.1:8080", 8080],
      ["http://localhost:8080", "127.0.0.1:8080", 8080],
      ["http://[::1]:8080", "[::1]:8080", 8080],
      ["http://localhost:5173", "127.0.0.1:8080", 8080],
    ];
    for (const [o, h, p] of ok) expect(originAllowed(o, h, p, dev), String(o)).toBe(true);
    const bad = [
      "https://evil.example",
      "http://evil.example:8080",
      "http://localhost:9999",
      "null",
      "file://",
      "http://127.0.0.1.evil.example:8080",
      "garbage",
    ];
    for (const o of bad) expect(originAllowed(o, "127.0.0.1:8080", 8080, dev), o).toBe(false);
    // a non-loopback bind: the page must come from the very host:port the browser connected to
    expect(originAllowed("http://bridge.lan:8080", "bridge.lan:8080", 8080, wide)).toBe(true);
    expect(originAllowed("http://evil.example:8080", "bridge.lan:8080", 8080, wide)).toBe(false);
  });

  it("OSC control sources: loopback always, others only when allow-listed", () => {
    expect(oscSourceAllowed("127.0.0.1", { oscAllow: [] })).toBe(true);
    expect(oscSourceAllowed("::1", { oscAllow: [] })).toBe(true);
    expect(oscSourceAllowed("192.168.1.7", { oscAllow: [] })).toBe(false);
    expect(oscSourceAllowed("192.168.1.7", { oscAllow: ["192.168.1.7"] })).toBe(true);
    expect(oscSourceAllowed("::ffff:192.168.1.7", { oscAllow: ["192.168.1.7"] })).toBe(true);
    expect(oscSourceAllowed("192.168.1.8", { oscAllow: ["192.168.1.7"] })).toBe(false);
  });
});

describe("record files stay inside --record-dir", () => {
  const dir = tempDir("timbrescope-recdir-");
  const rec = join(dir, "records");
  mkdirSync(join(rec, "sub"), { recursive: true });
  symlinkSync("/tmp", join(rec, "out-link"));

  it("accepts names inside the folder", () => {
    expect(confineRecordPath(rec, "set.jsonl")).toBe(join(rec, "set.jsonl"));
    expect(confineRecordPath(rec, "sub/set.jsonl")).toBe(join(rec, "sub", "set.jsonl"));
    expect(confineRecordPath(rec, join(rec, "abs.jsonl"))).toBe(join(rec, "abs.jsonl"));
    expect(timestampedRecordName(new Date(Date.UTC(2026, 10, 25, 10, 30, 5)))).toBe("live-20261125-103005.jsonl");
  });

  it("refuses traversal, absolute paths elsewhere, links that lead out, missing folders and NUL bytes", () => {
    for (const name of ["../x.jsonl", "sub/../../x.jsonl", "/etc/passwd", "/tmp/x.jsonl", ".", ""]) {
      expect(
        err(() => confineRecordPath(rec, name)),
        name,
      ).toMatch(/^Expected a record file inside --record-dir .*records, got /);
    }
    expect(err(() => confineRecordPath(rec, "out-link/x.jsonl"))).toMatch(/a link that leads outside\)$/);
    expect(err(() => confineRecordPath(rec, "nope/x.jsonl"))).toMatch(/^Expected a record file in an existing folder inside --record-dir/);
    expect(err(() => confineRecordPath(rec, "a\0b"))).toMatch(/NUL byte/);
    expect(err(() => confineRecordPath(join(dir, "missing"), "x.jsonl"))).toMatch(/^Expected --record-dir an existing folder, got /);
  });
});
