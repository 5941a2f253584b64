/**
 * The page's connection to the bridge (WebSocket protocol v1, bridge/protocol.ts): connects,
 * hands every checked server message to the caller, sends control messages and pairs them with
 * their `ack` by id, and reconnects by itself with capped exponential backoff and jitter (so a
 * room full of pages does not reconnect in lock-step after a bridge restart). The socket and the
 * clock are injected: the browser passes a WebSocket adapter (browser.ts), tests a fake or `ws`.
 */
import type { AckMessage, ClientMessage, ServerMessage } from "../../../bridge/protocol.js";
import { PAGE_PROTOCOL_VERSION, checkServerMessage } from "./server-message.js";

/** What a socket reports; the adapter calls these. */
export interface SocketHandlers {
  open(): void;
  /** One text frame. */
  message(text: string): void;
  /** The socket is gone (after an error too). */
  close(code: number, reason: string): void;
}

/** The little the client needs of a socket. */
export interface SocketLike {
  send(text: string): void;
  close(): void;
}

/** Opens a socket to `url` that reports to `on`. */
export type SocketFactory = (url: string, on: SocketHandlers) => SocketLike;

/** Timers, injectable for tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Reconnection schedule. */
export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 500. */
  readonly initialMs: number;
  /** Cap, ms. Default 10000. */
  readonly maxMs: number;
  /** Growth per failed attempt. Default 2. */
  readonly factor: number;
  /** Relative spread, 0..1: the delay is scaled by 1 ± jitter. Default 0.2. */
  readonly jitter: number;
}

/** Defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.2 });

/**
 * Delay before retry number `attempt` (1 = first retry), ms: initialMs * factor^(attempt-1), capped
 * at maxMs, then scaled by 1 + jitter * (2 * random - 1).
 */
export function backoffDelayMs(attempt: number, o: BackoffOptions = DEFAULT_BACKOFF, random: number = Math.random()): number {
  const base = Math.min(o.maxMs, o.initialMs * o.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + o.jitter * (2 * random - 1)));
}

/** Where the connection stands. */
export type ConnectionState =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "open"; readonly sinceMs: number }
  | { readonly kind: "waiting"; readonly attempt: number; readonly retryAtMs: number; readonly reason: string }
  | { readonly kind: "stopped" };

/** A control message as the caller writes it (the client adds v and id). */
export type ControlRequest = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, "v" | "id"> : never) : never;

/** How a control message went. */
export interface ControlResult {
  readonly ok: boolean;
  readonly error?: string;
}

/** Options for {@link BridgeClient}. */
export interface BridgeClientOptions {
  /** ws://host:port/ws */
  readonly url: string;
  readonly connect: SocketFactory;
  readonly onMessage: (m: ServerMessage) => void;
  readonly onState?: (s: ConnectionState) => void;
  /** A message that failed the check (it is dropped). */
  readonly onInvalid?: (error: string) => void;
  readonly backoff?: Partial<BackoffOptions>;
  /** A control message without an ack after this long fails, ms. Default 5000. */
  readonly ackTimeoutMs?: number;
  /** A socket not open after this long is abandoned and retried, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  readonly clock?: Clock;
  /** Uniform [0, 1) source for jitter. Default Math.random. */
  readonly random?: () => number;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Pending {
  readonly resolve: (r: ControlResult) => void;
  readonly timer: unknown;
}

/** A self-reconnecting protocol client. */
export class BridgeClient {
  private socket: SocketLike | undefined;
  private attempt: object | undefined;
  private current: ConnectionState = { kind: "stopped" };
  private failures = 0;
  private timer: unknown;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly clock: Clock;
  private readonly backoff: BackoffOptions;
  /** Messages dropped by the check since start. */
  invalidCount = 0;

  constructor(private readonly opts: BridgeClientOptions) {
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  }

  /** Where the connection stands. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Connects (and keeps reconnecting until stop()). */
  start(): void {
    if (this.current.kind !== "stopped") return;
    this.failures = 0;
    this.open();
  }

  /** Closes the socket, cancels retries and fails pending control messages. */
  stop(): void {
    this.clock.clearTimeout(this.timer);
    const s = this.socket;
    this.socket = undefined;
    this.attempt = undefined;
    s?.close();
    this.failPending("the connection was closed");
    this.setState({ kind: "stopped" });
  }

  /** Sends a control message; resolves with the bridge's ack (or why there was none). Never rejects. */
  send(req: ControlRequest): Promise<ControlResult> {
    const s = this.socket;
    if (s === undefined || this.current.kind !== "open") return Promise.resolve({ ok: false, error: "not connected to the bridge" });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: `no answer from the bridge in ${this.opts.ackTimeoutMs ?? 5000} ms` });
      }, this.opts.ackTimeoutMs ?? 5000);
      this.pending.set(id, { resolve, timer });
      s.send(JSON.stringify({ ...req, v: PAGE_PROTOCOL_VERSION, id }));
    });
  }

  private open(): void {
    this.setState({ kind: "connecting", attempt: this.failures });
    // Events of an abandoned socket are ignored: each attempt has its own token.
    const token = {};
    this.attempt = token;
    let settled = false;
    const handlers: SocketHandlers = {
      open: () => {
        if (this.attempt !== token) return;
        settled = true;
        this.clock.clearTimeout(this.timer);
        this.failures = 0;
        this.setState({ kind: "open", sinceMs: this.clock.now() });
      },
      message: (text) => {
        if (this.attempt === token) this.onText(text);
      },
      close: (code, reason) => {
        if (this.attempt !== token) return;
        settled = true;
        this.retry(reason === "" ? `closed (${code})` : `closed (${code} ${reason})`);
      },
    };
    this.timer = this.clock.setTimeout(() => {
      if (!settled && this.attempt === token) this.retry("no answer from the bridge");
    }, this.opts.connectTimeoutMs ?? 5000);
    try {
      this.socket = this.opts.connect(this.opts.url, handlers);
    } catch (err) {
      this.retry(err instanceof Error ? err.message : String(err));
    }
  }

  private retry(reason: string): void {
    const s = this.socket;
    this.socket = undefined;
    this.attempt = undefined;
    s?.close();
    this.clock.clearTimeout(this.timer);
    this.failPending("the connection was lost");
    this.failures++;
    const delay = backoffDelayMs(this.failures, this.backoff, (this.opts.random ?? Math.random)());
    this.setState({ kind: "waiting", attempt: this.failures, retryAtMs: this.clock.now() + delay, reason });
    this.timer = this.clock.setTimeout(() => this.open(), delay);
  }

  private onText(text: string): void {
    const checked = checkServerMessage(text);
    if (!checked.ok) {
      this.invalidCount++;
      this.opts.onInvalid?.(checked.error);
      return;
    }
    const m = checked.value;
    if (m.type === "ack") this.onAck(m);
    this.opts.onMessage(m);
  }

  private onAck(a: AckMessage): void {
    if (a.id === null) return;
    const p = this.pending.get(a.id);
    if (p === undefined) return;
    this.pending.delete(a.id);
    this.clock.clearTimeout(p.timer);
    p.resolve(a.ok ? { ok: true } : { ok: false, error: a.error ?? "refused" });
  }

  private failPending(error: string): void {
    for (const p of this.pending.values()) {
      this.clock.clearTimeout(p.timer);
      p.resolve({ ok: false, error });
    }
    this.pending.clear();
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    this.opts.onState?.(s);
  }
}
