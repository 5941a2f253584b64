/** Text formatting for the page (times, milliseconds, rates). */

/** Seconds as m:ss.s (e.g. 83.25 -> "1:23.3"); negative as "-". */
export function formatClock(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return "-";
  const tenths = Math.round(sec * 10);
  const m = Math.floor(tenths / 600);
  const s = (tenths % 600) / 10;
  return `${m}:${s < 10 ? "0" : ""}${s.toFixed(1)}`;
}

/** Milliseconds with one decimal below 100 ms, whole above; "-" when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A rate in Hz as kHz (48000 -> "48 kHz", 22050 -> "22.05 kHz"). */
export function formatRate(hz: number | null): string {
  if (hz === null || !Number.isFinite(hz)) return "-";
  return `${Number((hz / 1000).toFixed(2))} kHz`;
}

/** "ch 3" for channel 2 (0-based), "mix" for null. */
export function channelName(channel: number | null): string {
  return channel === null ? "mix" : `ch ${channel + 1}`;
}
