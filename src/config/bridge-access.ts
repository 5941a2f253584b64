/**
 * Who may talk to the live bridge (pure checks, no I/O but realpath for record files).
 *
 * The bridge accepts control input (thresholds, mutes, recording), so by default it listens on
 * 127.0.0.1 only. Binding another address needs a shared token (--token or TIMBRESCOPE_TOKEN), which
 * every HTTP request and WebSocket upgrade must carry (?token=, `Authorization: Bearer`, or the
 * cookie the bridge sets when a page is opened with ?token=). Independently of the token, a
 * WebSocket upgrade from a browser must come from the bridge's own origin (or an --allow-origin),
 * so a page of another site open in the user's browser cannot drive the bridge; and on a loopback
 * bind the Host header must name the loopback, which defeats DNS rebinding (a hostile name that
 * resolves to 127.0.0.1 has a same-origin view of the bridge otherwise). OSC control datagrams are
 * accepted from loopback sources and from --osc-allow addresses only. Record files are confined to
 * --record-dir.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { isIP } from "node:net";
import { UserError } from "../errors.js";
import { definedFields } from "../defined-fields.js";

/** Environment variable that may carry the token instead of --token (keeps it out of `ps`). */
export const TOKEN_ENV = "TIMBRESCOPE_TOKEN";
/** Shortest token accepted, characters (a guessable token on a network port is no protection). */
export const MIN_TOKEN_LENGTH = 16;
/** Cookie the bridge sets for a page opened with a valid ?token=. */
export const TOKEN_COOKIE = "timbrescope_token";

/** The validated access settings of a bridge. */
export interface AccessPolicy {
  /** Address the HTTP/WS server and the OSC control input bind. Default 127.0.0.1. */
  readonly host: string;
  /** Required from every client when set (always set when `host` is not a loopback address). */
  readonly token?: string;
  /** Extra browser origins allowed to open the WebSocket, e.g. the vite dev server http://localhost:5173. */
  readonly allowOrigins: readonly string[];
  /** Non-loopback source addresses whose OSC control datagrams are accepted (loopback always is). */
  readonly oscAllow: readonly string[];
}

/** The flags that set the policy, as commander hands them over. */
export interface AccessFlags {
  readonly host?: string;
  readonly token?: string;
  readonly allowOrigin?: readonly string[];
  readonly oscAllow?: string;
}

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and the name localhost. */
export function isLoopback(address: string): boolean {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (a === "localhost" || a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`Expected --allow-origin an origin like http://localhost:5173, got "${text}"`);
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.pathname !== "/" ||
    url.search !== "" ||
    url.hash !== "" ||
    url.username !== ""
  ) {
    throw new UserError(`Expected --allow-origin an origin like http://localhost:5173 (scheme, host and port only), got "${text}"`);
  }
  return url.origin;
}

/**
 * Validates the access flags. `env` supplies TIMBRESCOPE_TOKEN when --token is absent.
 * @throws UserError naming the flag and the value received
 */
export function planAccess(flags: AccessFlags, env: NodeJS.ProcessEnv = process.env): AccessPolicy {
  const host = (flags.host ?? "127.0.0.1").trim();
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (host === "" || (isIP(bare) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(bare)))
    throw new UserError(`Expected --host an IP address or host name, got "${flags.host ?? ""}"`);
  const token = flags.token ?? env[TOKEN_ENV];
  if (token !== undefined) {
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new UserError(
        `Expected --token (or ${TOKEN_ENV}) at least ${MIN_TOKEN_LENGTH} characters without spaces, got ${token.length} characters`,
      );
    }
  } else if (!isLoopback(host)) {
    throw new UserError(
      `--host ${host} exposes the bridge beyond this machine: it needs --token or ${TOKEN_ENV} (at least ${MIN_TOKEN_LENGTH} characters)`,
    );
  }
  const oscAllow = (flags.oscAllow ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const badOsc = oscAllow.find((a) => isIP(a) === 0 && a !== "localhost");
  if (badOsc !== undefined) throw new UserError(`Expected --osc-allow a comma-separated list of IP addresses, got "${badOsc}"`);
  return { host, ...definedFields({ token }), allowOrigins: (flags.allowOrigin ?? []).map(parseOrigin), oscAllow };
}

/** Constant-time comparison of a presented token with the expected one (hashes equalise lengths). */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const h = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(h(given), h(expected));
}

/** The token a request presents: ?token=, then `Authorization: Bearer`, then the bridge's cookie. */
export function presentedToken(
  url: URL,
  headers: { readonly authorization?: string | undefined; readonly cookie?: string | undefined },
): string | undefined {
  const q = url.searchParams.get("token");
  if (q !== null) return q;
  const auth = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  if (auth?.[1] !== undefined) return auth[1];
  for (const part of (headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * True when a Host header names this bridge acceptably: any host on a non-loopback bind (the token
 * guards it); on a loopback bind only loopback names (DNS-rebinding defence). A missing Host (HTTP/1.0)
 * is accepted on loopback.
 */
export function hostAllowed(hostHeader: string | undefined, policy: AccessPolicy): boolean {
  if (!isLoopback(policy.host) || hostHeader === undefined) return true;
  const name = hostHeader.toLowerCase().replace(/:\d+$/, "");
  return LOOPBACK_NAMES.includes(name) || isLoopback(name);
}

/**
 * True when a WebSocket upgrade with this Origin may proceed: no Origin (not a browser), the
 * bridge's own origin http(s)://<Host header> where that host is acceptable (hostAllowed), its
 * loopback aliases on a loopback bind, or an --allow-origin.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, port: number, policy: AccessPolicy): boolean {
  if (origin === undefined) return true;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  if (policy.allowOrigins.includes(o.origin)) return true;
  if (o.protocol !== "http:" && o.protocol !== "https:") return false;
  const oPort = o.port === "" ? (o.protocol === "https:" ? 443 : 80) : Number(o.port);
  if (oPort !== port) return false;
  if (isLoopback(policy.host)) return LOOPBACK_NAMES.includes(o.hostname) || isLoopback(o.hostname);
  return hostHeader !== undefined && o.host.toLowerCase() === hostHeader.toLowerCase();
}

/** True when an OSC datagram from `address` may control the bridge. */
export function oscSourceAllowed(address: string, policy: Pick<AccessPolicy, "oscAllow">): boolean {
  if (isLoopback(address)) return true;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return policy.oscAllow.includes(a);
}

/**
 * Resolves a record file name inside `dir`, refusing anything that would land outside it: absolute
 * paths elsewhere, `..` segments, and symbolic links (of the file or a parent) that point out.
 * @throws UserError naming the name and the folder
 */
export function confineRecordPath(dir: string, name: string): string {
  const root = resolve(dir);
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new UserError(`Expected --record-dir an existing folder, got "${dir}"`);
  }
  if (name.includes("\0")) throw new UserError(`Expected a record file name inside ${root}, got a name with a NUL byte`);
  const target = isAbsolute(name) ? resolve(name) : resolve(root, name);
  const inside = (base: string, p: string): boolean => {
    const rel = relative(base, p);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes("..");
  };
  if (!inside(root, target)) throw new UserError(`Expected a record file inside --record-dir ${root}, got "${name}"`);
  // Follow links on the existing part of the path: the file itself, or else its folder.
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    const parent = resolve(target, "..");
    let realParent: string;
    try {
      realParent = realpathSync(parent);
    } catch {
      throw new UserError(`Expected a record file in an existing folder inside --record-dir ${root}, got "${name}"`);
    }
    real = join(realParent, target.slice(parent.length + 1));
  }
  if (!inside(realRoot, real))
    throw new UserError(`Expected a record file inside --record-dir ${root}, got "${name}" (a link that leads outside)`);
  return target;
}

/** A fresh, timestamped record file name (UTC), e.g. live-20261125-103000.jsonl. */
export function timestampedRecordName(now: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `live-${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}.jsonl`;
}
