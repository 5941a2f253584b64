/**
 * The live page's state, fed by the bridge's messages (plain TypeScript: the components read
 * `view()` once per animation frame). Frames are kept per lane by sample-clock time: a frame that
 * is not newer than the newest one of its lane is stale (it arrived late) and is dropped and
 * counted; a jump back by more than two windows is a restarted clock (bridge restarted, new
 * session) and starts the lane afresh. Only the newest frame per lane reaches the meters; every
 * frame reaches the peak hold and the timeline history.
 */
import type { ServerMessage, StatusMessage } from "../../../bridge/protocol.js";
import type { ControlRequest } from "./bridge-client.js";
import { PeakHold } from "./peak-hold.js";
import { FrameRing } from "./timeline.js";
import type { FramePoint } from "./timeline.js";
import { lampsFrom, sessionFromHello } from "./view.js";
import type { LaneView, SessionView, TriggerEntry, ViewState } from "./view.js";

/** Trigger log entries kept. */
export const TRIGGER_LOG_SIZE = 100;

interface LaneState {
  readonly lane: number;
  readonly channel: number | null;
  latest: FramePoint | null;
  /** Display clock (ms) at which `latest` arrived. */
  arrivedMs: number;
  readonly peak: PeakHold;
  readonly ring: FrameRing;
}

/** Live state of one bridge connection. */
export class LiveStore {
  session: SessionView | null = null;
  status: StatusMessage | null = null;
  /** Increases on every change (the page redraws only when it moved). */
  version = 0;
  /** Frames dropped because a newer one of their lane was already shown. */
  staleDropped = 0;
  private lanes = new Map<number, LaneState>();
  private triggers: TriggerEntry[] = [];
  /** rule -> lane -> channel, for the lanes currently inside the rule. */
  private inside = new Map<string, Map<number, number | null>>();

  /** Takes one message from the bridge; `arrivedMs` is the display clock (performance.now()). */
  ingest(m: ServerMessage, arrivedMs: number): void {
    switch (m.type) {
      case "hello": {
        const next = sessionFromHello(m);
        if (!sameRun(this.session, next)) this.clearHistory();
        this.session = next;
        // Rules or lanes may differ: lamp states are rebuilt from the next trigger edges.
        this.inside = new Map();
        break;
      }
      case "frame": {
        const tSec = m.startSample / m.sampleRateHz;
        const lane = this.laneState(m.lane, m.channel, m.smoothed.length);
        const latest = lane.latest;
        if (latest !== null && tSec <= latest.tSec) {
          if (latest.tSec - tSec <= 2 * (this.session?.windowSec ?? 1)) {
            this.staleDropped++;
            return;
          }
          lane.ring.clear();
          lane.peak.reset();
        }
        const p: FramePoint = { tSec, raw: m.raw, smoothed: m.smoothed, active: m.active };
        lane.ring.push(p);
        lane.peak.update(m.smoothed, tSec);
        lane.latest = p;
        lane.arrivedMs = arrivedMs;
        break;
      }
      case "trigger": {
        const e: TriggerEntry = { tSec: m.startSample / m.sampleRateHz, rule: m.rule, edge: m.edge, lane: m.lane, channel: m.channel };
        this.triggers.unshift(e);
        if (this.triggers.length > TRIGGER_LOG_SIZE) this.triggers.length = TRIGGER_LOG_SIZE;
        const lanes = this.inside.get(m.rule) ?? new Map<number, number | null>();
        if (m.edge === "enter") lanes.set(m.lane, m.channel);
        else lanes.delete(m.lane);
        this.inside.set(m.rule, lanes);
        break;
      }
      case "status":
        this.status = m;
        break;
      case "ack":
        return;
    }
    this.version++;
  }

  /** Mirrors a control message the bridge acknowledged (hello carries state only on connect). */
  applyControl(req: ControlRequest): void {
    const s = this.session;
    if (s === null) return;
    const i = "label" in req && req.label !== undefined ? s.classIds.indexOf(req.label) : -1;
    const replace = <T>(xs: readonly T[], v: T): T[] => xs.map((x, k) => (k === i ? v : x));
    if (req.type === "set-threshold" && i >= 0) this.session = { ...s, thresholds: replace(s.thresholds, req.value) };
    else if (req.type === "mute" && i >= 0) this.session = { ...s, muted: replace(s.muted, req.muted) };
    else if (req.type === "set-smoothing" && req.label === undefined)
      this.session = { ...s, smoothing: { attackSec: req.attackSec, releaseSec: req.releaseSec } };
    else if (req.type === "record") this.session = { ...s, recording: req.on };
    else if (req.type === "set-hop") this.session = { ...s, hopSec: req.hopSec };
    else return;
    this.version++;
  }

  /** Display clock (ms) at which the newest frame of any lane arrived, or null. */
  lastArrivalMs(): number | null {
    let t: number | null = null;
    for (const l of this.lanes.values()) if (l.latest !== null) t = Math.max(t ?? 0, l.arrivedMs);
    return t;
  }

  /** What the components draw. */
  view(): ViewState {
    const s = this.session;
    const lanes = [...this.lanes.values()].sort((a, b) => a.lane - b.lane);
    const laneViews: LaneView[] = lanes.map((l) => {
      const peaks = l.peak.values();
      const p = l.latest;
      return {
        lane: l.lane,
        channel: l.channel,
        tSec: p?.tSec ?? null,
        levels: peaks.map((peak, c) => ({ value: p?.smoothed[c] ?? 0, raw: p?.raw[c] ?? 0, peak, active: p?.active[c] === 1 })),
      };
    });
    return {
      session: s,
      lanes: laneViews,
      triggers: this.triggers.slice(),
      lamps: lampsFrom(s?.rules ?? [], this.inside),
      series: lanes.map((l) => l.ring),
    };
  }

  private laneState(lane: number, channel: number | null, n: number): LaneState {
    let l = this.lanes.get(lane);
    if (l === undefined || l.peak.n !== n) {
      l = { lane, channel, latest: null, arrivedMs: 0, peak: new PeakHold(n), ring: new FrameRing() };
      this.lanes.set(lane, l);
    }
    return l;
  }

  private clearHistory(): void {
    this.lanes = new Map();
    this.triggers = [];
  }
}

/** Whether two sessions are the same run seen again (after a reconnect): history stays. */
function sameRun(a: SessionView | null, b: SessionView): boolean {
  if (a === null) return false;
  const same = (x: readonly unknown[], y: readonly unknown[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.modelId === b.modelId &&
    a.sampleRateHz === b.sampleRateHz &&
    a.source?.name === b.source?.name &&
    same(a.classIds, b.classIds) &&
    same(a.lanes, b.lanes)
  );
}
