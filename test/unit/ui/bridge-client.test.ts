import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import type { LiveControl } from "../../../src/pipeline/post-stage.js";
import { BridgeClient, backoffDelayMs } from "../../../ui/src/lib/bridge-client.js";
import type { Clock, ConnectionState, SocketFactory, SocketHandlers } from "../../../ui/src/lib/bridge-client.js";
import type { ServerMessage } from "../../../bridge/protocol.js";
import { SESSION, makeFrame } from "../../helpers/pipeline-data.js";

/** A clock whose timers run only when the test advances it. */
class ManualClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

/** Sockets the client opened; the test drives their events. */
function fakeSockets() {
  const opened: { url: string; on: SocketHandlers; sent: string[]; closed: boolean }[] = [];
  const factory: SocketFactory = (url, on) => {
    const s = { url, on, sent: [] as string[], closed: false };
    opened.push(s);
    return { send: (t) => s.sent.push(t), close: () => (s.closed = true) };
  };
  return { opened, factory, last: () => opened[opened.length - 1]! };
}

const HELLO = JSON.stringify({
  v: 1,
  type: "hello",
  labels: ["drum set"],
  classIds: ["drums"],
  modelId: "m",
  sampleRateHz: 22050,
  inputRateHz: 48000,
  hopSec: 0.25,
  windowSec: 1,
  source: { name: "x", kind: "file", channels: 1 },
  lanes: [null],
  rules: [],
  thresholds: [0.5],
  muted: [false],
  recording: null,
  futureField: "ignored",
});

function setup(extra: { connectTimeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const sockets = fakeSockets();
  const messages: ServerMessage[] = [];
  const states: ConnectionState[] = [];
  const invalid: string[] = [];
  const client = new BridgeClient({
    url: "ws://bridge/ws",
    connect: sockets.factory,
    clock,
    random: () => 0.5,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    onInvalid: (e) => invalid.push(e),
    ...extra,
  });
  return { clock, sockets, messages, states, invalid, client };
}

describe("backoffDelayMs", () => {
  it("doubles from 500 ms up to the 10 s cap, spread by ±20 % jitter", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(a, undefined, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(backoffDelayMs(1, undefined, 0)).toBe(400);
    expect(backoffDelayMs(6, undefined, 0.999999)).toBe(12000);
  });
});

describe("BridgeClient", () => {
  it("hands on checked messages (ignoring unknown fields) and drops invalid ones, counted", () => {
    const { sockets, messages, invalid, client } = setup();
    client.start();
    sockets.last().on.open();
    sockets.last().on.message(HELLO);
    sockets.last().on.message('{"v":2,"type":"frame"}');
    sockets.last().on.message('{"v":1,"type":"frame","lane":0}');
    sockets.last().on.message("not json");
    expect(messages.map((m) => m.type)).toEqual(["hello"]);
    expect(client.invalidCount).toBe(3);
    expect(invalid[0]).toBe("protocol v2, this page speaks v1");
    expect(invalid[1]).toBe("frame.startSample is missing or invalid");
  });

  it("reconnects by itself with growing delays, says so, and starts again from the shortest delay after a success", () => {
    const { clock, sockets, states, client } = setup();
    client.start();
    const delays: number[] = [];
    for (let k = 0; k < 6; k++) {
      sockets.last().on.close(1006, "");
      const s = client.state;
      expect(s.kind).toBe("waiting");
      if (s.kind === "waiting") {
        expect(s.attempt).toBe(k + 1);
        expect(s.reason).toBe("closed (1006)");
        delays.push(s.retryAtMs - clock.t);
      }
      clock.advance(delays[k]! - 1);
      expect(sockets.opened.length).toBe(k + 1); // not before the delay
      clock.advance(1);
      expect(sockets.opened.length).toBe(k + 2);
      expect(client.state).toEqual({ kind: "connecting", attempt: k + 1 });
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000]);
    sockets.last().on.open();
    expect(client.state.kind).toBe("open");
    sockets.last().on.close(1001, "shutting down");
    expect(client.state).toMatchObject({ kind: "waiting", attempt: 1, reason: "closed (1001 shutting down)", retryAtMs: clock.t + 500 });
    expect(states.filter((s) => s.kind === "open").length).toBe(1);
  });

  it("abandons a socket that never opens, ignores its late events, and stop() cancels the retry", () => {
    const { clock, sockets, messages, client } = setup({ connectTimeoutMs: 3000 });
    client.start();
    const first = sockets.last();
    clock.advance(3000);
    expect(first.closed).toBe(true);
    expect(client.state).toMatchObject({ kind: "waiting", reason: "no answer from the bridge" });
    first.on.open();
    first.on.message(HELLO);
    expect(client.state.kind).toBe("waiting");
    expect(messages).toEqual([]);
    client.stop();
    clock.advance(60_000);
    expect(sockets.opened.length).toBe(1);
    expect(client.state).toEqual({ kind: "stopped" });
  });

  it("pairs control messages with acks by id; times out; fails pending ones on disconnect; refuses while offline", async () => {
    const { clock, sockets, client } = setup();
    expect(await client.send({ type: "record", on: true })).toEqual({ ok: false, error: "not connected to the bridge" });
    client.start();
    const s = sockets.last();
    s.on.open();
    const a = client.send({ type: "set-threshold", label: "drums", value: 0.7 });
    const b = client.send({ type: "mute", label: "drums", muted: true });
    const c = client.send({ type: "set-hop", hopSec: 0.5 });
    expect(s.sent.map((t) => JSON.parse(t) as unknown)).toEqual([
      { type: "set-threshold", label: "drums", value: 0.7, v: 1, id: 1 },
      { type: "mute", label: "drums", muted: true, v: 1, id: 2 },
      { type: "set-hop", hopSec: 0.5, v: 1, id: 3 },
    ]);
    s.on.message('{"v":1,"type":"ack","id":2,"ok":false,"error":"Expected a class the model outputs"}');
    s.on.message('{"v":1,"type":"ack","id":1,"ok":true}');
    expect(await a).toEqual({ ok: true });
    expect(await b).toEqual({ ok: false, error: "Expected a class the model outputs" });
    clock.advance(5000);
    expect(await c).toEqual({ ok: false, error: "no answer from the bridge in 5000 ms" });
    const d = client.send({ type: "record", on: false });
    s.on.close(1006, "");
    expect(await d).toEqual({ ok: false, error: "the connection was lost" });
  });

  it("works against the real bridge: hello, a control round trip, and reconnection after the bridge restarts on its port", async () => {
    const controls: LiveControl[] = [];
    const mkSink = () =>
      new WsSink({
        onControl: (c) => void controls.push(c),
        state: () => ({ thresholds: SESSION.thresholds, muted: SESSION.labels.map(() => false), recording: true, recordFile: "set.jsonl" }),
      });
    let sink = mkSink();
    let server = await BridgeServer.start({ port: 0 }, sink);
    const port = server.port;
    sink.write({ type: "session", session: SESSION });
    const messages: ServerMessage[] = [];
    const states: string[] = [];
    const nodeSocket: SocketFactory = (url, on) => {
      const ws = new WebSocket(url);
      ws.on("open", () => on.open());
      ws.on("message", (data, isBinary) => !isBinary && Buffer.isBuffer(data) && on.message(data.toString("utf8")));
      ws.on("close", (code, reason) => on.close(code, reason.toString()));
      ws.on("error", () => undefined);
      return { send: (t) => ws.send(t), close: () => ws.terminate() };
    };
    const client = new BridgeClient({
      url: `ws://127.0.0.1:${port}/ws`,
      connect: nodeSocket,
      backoff: { initialMs: 50, maxMs: 200 },
      onMessage: (m) => messages.push(m),
      onState: (s) => states.push(s.kind),
    });
    const until = async (pred: () => boolean): Promise<boolean> => {
      for (const t0 = Date.now(); !pred() && Date.now() - t0 < 5000;) await new Promise((r) => setTimeout(r, 10));
      return pred();
    };
    try {
      client.start();
      expect(await until(() => messages.some((m) => m.type === "hello"))).toBe(true);
      expect(messages[0]).toMatchObject({
        type: "hello",
        recordFile: "set.jsonl",
        controls: ["set-threshold", "set-smoothing", "mute", "record"],
      });
      expect(await client.send({ type: "set-threshold", label: "drums", value: 0.8 })).toEqual({ ok: true });
      expect(controls).toEqual([{ type: "set-threshold", label: "drums", value: 0.8 }]);
      expect(await client.send({ type: "set-hop", hopSec: 0.5 })).toEqual({
        ok: false,
        error: "changing the hop is not available on this bridge; restart live with --hop SEC",
      });
      sink.write({ type: "frame", frame: makeFrame(3) });
      expect(await until(() => messages.some((m) => m.type === "frame"))).toBe(true);

      await server.close();
      await sink.close();
      expect(await until(() => states.includes("waiting"))).toBe(true);
      // The port is free again; the bridge comes back on it.
      await new Promise<void>((resolve, reject) => {
        const probe = createServer()
          .once("error", reject)
          .listen(port, "127.0.0.1", () => probe.close(() => resolve()));
      });
      sink = mkSink();
      server = await BridgeServer.start({ port }, sink);
      sink.write({ type: "session", session: SESSION });
      expect(await until(() => messages.filter((m) => m.type === "hello").length === 2)).toBe(true);
      expect(client.state.kind).toBe("open");
    } finally {
      client.stop();
      await server.close();
      await sink.close();
    }
  });
});
