/**
 * The Mixing Secrets label map mechanism (docs/datasets.md §8): 11 % of Mixing Secrets stem
 * labels are not MedleyDB taxonomy leaves (`bassdi`, `leadvox`, `male vocalists`, ...), so they
 * go through a reviewed, versioned table `string -> taxonomy leaf | null`, plus per-track
 * overrides for the labels that cannot be decided from the string alone (singer gender of
 * `leadvox`, clean vs distorted `gtr`, ...). MedleyDB labels never go through the map.
 *
 * The table itself lives in `ms-label-map-table.ts` and its shape in `label-map-types.ts` (which
 * both import, so neither imports the other); this file only applies it.
 */
import type { LabelMapTable, TrackOverride } from "./label-map-types.js";
import { MS_LABEL_MAP_TABLE } from "./ms-label-map-table.js";

export type { LabelMapEntry, LabelMapTable, MapBasis, TrackOverride } from "./label-map-types.js";

/** The result of mapping one stem label. */
export interface MappedLabel {
  /** The taxonomy leaf, or null. */
  readonly to: string | null;
  /** False for a `per-track` string without an override: the map has no answer yet. */
  readonly resolved: boolean;
  /** True when the string was changed or dropped by the table. */
  readonly changed: boolean;
}

/** Applies a {@link LabelMapTable}. */
export interface LabelMap {
  readonly version: string;
  /** Maps one label of stem `stem` of track `track`. */
  map(track: string, stem: string, label: string): MappedLabel;
}

/** Builds a {@link LabelMap}; defaults to the shipped Mixing Secrets table. */
export function createLabelMap(table: LabelMapTable = MS_LABEL_MAP_TABLE): LabelMap {
  const overrides = new Map<string, TrackOverride>();
  for (const o of table.overrides) {
    const k = overrideKey(o.track, o.stem, o.label);
    if (overrides.has(k)) throw new Error(`label map ${table.version}: duplicate override for ${o.track} ${o.stem} "${o.label}"`);
    overrides.set(k, o);
  }
  return {
    version: table.version,
    map(track: string, stem: string, label: string): MappedLabel {
      const o = overrides.get(overrideKey(track, stem, label));
      if (o !== undefined) return { to: o.to, resolved: true, changed: o.to !== label };
      const e = table.labels[label];
      if (e === undefined) return { to: label, resolved: true, changed: false };
      return { to: e.to, resolved: e.basis !== "per-track", changed: e.to !== label };
    },
  };
}

/**
 * Problems with a table, checked against the taxonomy's leaves: targets that are not leaves,
 * overrides whose label has no table row. Empty when the table is consistent.
 */
export function validateLabelMap(table: LabelMapTable, leaves: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [label, e] of Object.entries(table.labels)) {
    if (e.to !== null && !leaves.has(e.to)) problems.push(`"${label}" -> "${e.to}": not a taxonomy leaf`);
    if (leaves.has(label)) problems.push(`"${label}" is already a taxonomy leaf and needs no row`);
    if ((e.basis === "judgement" || e.basis === "per-track") && (e.reason ?? "") === "") {
      problems.push(`"${label}": a ${e.basis} row needs a reason`);
    }
  }
  for (const o of table.overrides) {
    if (o.to !== null && !leaves.has(o.to)) problems.push(`${o.track} ${o.stem} -> "${o.to}": not a taxonomy leaf`);
    if (table.labels[o.label] === undefined) problems.push(`${o.track} ${o.stem}: "${o.label}" has no table row`);
  }
  return problems;
}

function overrideKey(track: string, stem: string, label: string): string {
  return `${track}\u0000${stem}\u0000${label}`;
}
