/**
 * The shape of a label map table (label-map.ts applies one; ms-label-map-table.ts is the shipped
 * Mixing Secrets table). Kept apart so that the table and the code applying it do not import each
 * other.
 */

/** Why a mapping is what it is, so a reviewer can tell stated facts from judgement calls. */
export type MapBasis =
  /** stated in docs/datasets.md §8 */
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
