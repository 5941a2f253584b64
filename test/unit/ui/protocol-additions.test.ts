// The additive v1 fields and the set-hop control the UI needs (bridge/protocol.ts, bridge/ws-sink.ts).
import { describe, expect, it } from "vitest";
import { parseClientMessage, parseServerMessage } from "../../../bridge/protocol.js";
import type { Hello } from "../../../bridge/protocol.js";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import type { WsSinkOptions } from "../../../bridge/ws-sink.js";
import { UserError } from "../../../src/errors.js";
import { SESSION } from "../../helpers/pipeline-data.js";
import { TestClient } from "../../helpers/ws-client.js";

const hello: Hello = {
  v: 1,
  type: "hello",
  labels: ["drum set"],
  classIds: ["drums"],
  modelId: "m",
  sampleRateHz: 22050,
  inputRateHz: 48000,
  hopSec: 0.25,
  windowSec: 1,
  source: { name: "x", kind: "file", channels: 2 },
  lanes: [null],
  rules: [],
  thresholds: [0.5],
  muted: [false],
  recording: true,
};

describe("protocol v1 additions", () => {
  it("hello accepts the optional controls, oscTargets, recordFile and smoothing, and still works without them", () => {
    const full = {
      ...hello,
      controls: ["set-threshold", "set-hop"],
      oscTargets: ["127.0.0.1:9000"],
      recordFile: "set.jsonl",
      smoothing: { attackSec: 0, releaseSec: 0.5 },
    };
    expect(parseServerMessage(full)).toEqual({ ok: true, value: full });
    expect(parseServerMessage(hello).ok).toBe(true);
    expect(parseServerMessage({ ...hello, controls: ["set-tempo"] })).toEqual({
      ok: false,
      error: 'hello.controls: invalid value ["set-tempo"]',
    });
    expect(parseServerMessage({ ...hello, oscTargets: "127.0.0.1:9000" })).toEqual({
      ok: false,
      error: 'hello.oscTargets: invalid value "127.0.0.1:9000"',
    });
    expect(parseServerMessage({ ...hello, smoothing: { attackSec: -1, releaseSec: 0.5 } }).ok).toBe(false);
    expect(parseServerMessage({ ...hello, recordFile: null }).ok).toBe(false);
  });

  it("set-hop takes a hop in (0, 1] s and nothing else", () => {
    expect(parseClientMessage({ v: 1, type: "set-hop", hopSec: 0.5, id: 3 })).toEqual({
      ok: true,
      value: { v: 1, type: "set-hop", hopSec: 0.5, id: 3 },
    });
    expect(parseClientMessage({ v: 1, type: "set-hop", hopSec: 1 }).ok).toBe(true);
    expect(parseClientMessage({ v: 1, type: "set-hop", hopSec: 0 })).toEqual({ ok: false, error: "set-hop.hopSec: invalid value 0" });
    expect(parseClientMessage({ v: 1, type: "set-hop", hopSec: 1.5 })).toEqual({ ok: false, error: "set-hop.hopSec: invalid value 1.5" });
    expect(parseClientMessage({ v: 1, type: "set-hop", hopSec: 0.5, label: "drums" })).toEqual({
      ok: false,
      error: 'set-hop: unknown field "label"',
    });
  });
});

async function connect(opts: WsSinkOptions) {
  const sink = new WsSink(opts);
  const server = await BridgeServer.start({ port: 0 }, sink);
  sink.write({ type: "session", session: SESSION });
  const client = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
  expect(await client.until((c) => c.of("hello").length === 1)).toBe(true);
  return {
    client,
    hello: client.of("hello")[0]!,
    ack: async (msg: object) => {
      const n = client.of("ack").length;
      client.send(msg);
      expect(await client.until((c) => c.of("ack").length === n + 1)).toBe(true);
      return client.of("ack")[n]!;
    },
    close: async () => {
      client.close();
      await server.close();
      await sink.close();
    },
  };
}

describe("WsSink: hello additions and set-hop", () => {
  it("reports OSC targets, the record file, smoothing and the controls it applies (set-hop only with onHop)", async () => {
    const hops: number[] = [];
    const c = await connect({
      onControl: () => undefined,
      onHop: (h) => {
        if (h > 0.5) throw new UserError(`Expected hopSec <= 0.5 on this bridge, got ${h}`);
        hops.push(h);
      },
      state: () => ({
        thresholds: SESSION.thresholds,
        muted: SESSION.labels.map(() => false),
        recording: false,
        oscTargets: ["127.0.0.1:9000"],
        recordFile: "set.jsonl",
        smoothing: { attackSec: 0, releaseSec: 0.5 },
      }),
    });
    try {
      expect(c.hello).toMatchObject({
        controls: ["set-threshold", "set-smoothing", "mute", "record", "set-hop"],
        oscTargets: ["127.0.0.1:9000"],
        recordFile: "set.jsonl",
        smoothing: { attackSec: 0, releaseSec: 0.5 },
      });
      expect(c.client.invalid).toEqual([]);
      expect(await c.ack({ v: 1, type: "set-hop", hopSec: 0.5, id: 7 })).toEqual({ v: 1, type: "ack", id: 7, ok: true });
      expect(await c.ack({ v: 1, type: "set-hop", hopSec: 1, id: 8 })).toEqual({
        v: 1,
        type: "ack",
        id: 8,
        ok: false,
        error: "Expected hopSec <= 0.5 on this bridge, got 1",
      });
      expect(hops).toEqual([0.5]);
    } finally {
      await c.close();
    }
  });

  it("without onHop refuses set-hop, and without a recorder does not list record", async () => {
    const c = await connect({
      onControl: () => undefined,
      state: () => ({ thresholds: SESSION.thresholds, muted: SESSION.labels.map(() => false), recording: null }),
    });
    try {
      expect(c.hello.controls).toEqual(["set-threshold", "set-smoothing", "mute"]);
      expect(c.hello).not.toHaveProperty("recordFile");
      expect(c.hello).not.toHaveProperty("oscTargets");
      expect(await c.ack({ v: 1, type: "set-hop", hopSec: 0.5, id: 1 })).toEqual({
        v: 1,
        type: "ack",
        id: 1,
        ok: false,
        error: "changing the hop is not available on this bridge; restart live with --hop SEC",
      });
    } finally {
      await c.close();
    }
  });

  it("falls back to the session's thresholds while the run's state is not available yet (one per label)", async () => {
    const c = await connect({ onControl: () => undefined, state: () => ({ thresholds: [], muted: [], recording: null }) });
    try {
      expect(c.hello.thresholds).toEqual(SESSION.thresholds);
      expect(c.hello.muted).toEqual(SESSION.labels.map(() => false));
    } finally {
      await c.close();
    }
  });

  it("a bridge without control lists no controls", async () => {
    const c = await connect({});
    try {
      expect(c.hello.controls).toEqual([]);
      expect(await c.ack({ v: 1, type: "mute", label: "drums", muted: true, id: 2 })).toMatchObject({
        ok: false,
        error: "control is not available on this bridge",
      });
    } finally {
      await c.close();
    }
  });
});
