/**
 * Summarises a V8 `.cpuprofile` (written by `node --cpu-prof`): self time per function, largest
 * first, as a share of all samples. Pure: takes the parsed JSON.
 */
import type { ProfileEntry } from "./schema.js";

/** The parts of the V8 CPU profile format used here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
}

/** Shortens a script URL to what a reader needs: node_modules/<pkg>/..., or the project-relative path. */
export function shortUrl(url: string): string {
  if (url === "") return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const m = /\/(dist\/|src\/|bridge\/)(.*)$/.exec(url);
  return m === null ? url.replace(/^file:\/\//, "") : `${m[1] ?? ""}${m[2] ?? ""}`;
}

/** The `top` functions by self time (share of samples, %); functions with the same name and place are merged. */
export function summarizeProfile(p: CpuProfile, top = 12): ProfileEntry[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const counts = new Map<string, { functionName: string; where: string; n: number }>();
  for (const id of p.samples) {
    const cf = byId.get(id);
    if (cf === undefined) continue;
    const where = cf.url === "" ? "" : `${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    const name = cf.functionName === "" ? "(anonymous)" : cf.functionName;
    const key = `${name}@${where}`;
    const c = counts.get(key) ?? { functionName: name, where, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  const total = p.samples.length;
  return [...counts.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, top)
    .map((c) => ({ functionName: c.functionName, where: c.where, selfPct: total === 0 ? 0 : (100 * c.n) / total }));
}
