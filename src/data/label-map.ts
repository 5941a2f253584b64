/**
 * The Mixing Secrets label map mechanism (notes/datasets.md §8): 11 % of Mixing Secrets stem
 * labels are not MedleyDB taxonomy leaves (`bassdi`, `leadvox`, `male vocalists`, ...), so they
 * go through a reviewed, versioned table `string -> taxonomy leaf | null`, plus per-track
 * overrides for the labels that cannot be decided from the string alone (singer gender of
 * `leadvox`, clean vs distorted `gtr`, ...). MedleyDB labels never go through the map.
 *
 * The table itself lives in `ms-label-map-table.ts`; this file only applies it.
 */
import { MS_LABEL_MAP_TABLE } from "./ms-label-map-table.js";

/** Why a mapping is what it is, so a reviewer can tell stated facts from judgement calls. */
export type MapBasis =
  /** stated in notes/datasets.md §8 */
  | "notes"
  /** the same instrument in the taxonomy's spelling (`clap` -> `claps`) */
  | "spelling"
  /** the string names the instrument (`distorted electric guitar samples`) */
  | "label-text"
  /** a call made here; `reason` says why */
  | "judgement"
  /** no taxonomy leaf fits: unmapped */
  | "no-leaf"
  /** cannot be decided from the string: null unless a per-track override exists */
  | "per-track"
  /** a per-track decision from the track's other stems (not auditioned) */
  | "track-context";

/** One table row: where a non-taxonomy string goes. */
export interface LabelMapEntry {
  /** A taxonomy leaf, or null = contributes to no label. */
  readonly to: string | null;
  readonly basis: MapBasis;
  readonly reason?: string;
}

/** A per-track decision for one stem; applies only while the stem still carries `label`. */
export interface TrackOverride {
  readonly track: string;
  /** Stem key, e.g. `S09`. */
  readonly stem: string;
  /** The YAML label the decision was made for (guards against upstream relabelling). */
  readonly label: string;
  readonly to: string | null;
  readonly basis: MapBasis;
  readonly reason: string;
}

/** A versioned, reviewed label map. */
export interface LabelMapTable {
  /** Bumped whenever a mapping changes; recorded in split manifests and model manifests. */
  readonly version: string;
  /** Metadata the table was reviewed against (repository@commit). */
  readonly source: string;
  /** Strings -> leaves. Strings not listed pass through unchanged (they are taxonomy leaves). */
  readonly labels: Readonly<Record<string, LabelMapEntry>>;
  readonly overrides: readonly TrackOverride[];
}

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
