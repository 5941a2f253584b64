/**
 * A JAMS document (Humphrey et al., "JAMS: A JSON Annotated Music Specification", ISMIR 2014;
 * schema 0.3) with one `tag_open` annotation: one observation per active segment, value = class
 * label (MedleyDB taxonomy), confidence = the segment's peak score. Loads with `jams.load`.
 */
import type { FileAnalysis } from "../rows.js";
import type { SegmentSource } from "../segments.js";

/** The JAMS version whose schema the document follows. */
export const JAMS_VERSION = "0.3.4";

/** How the observations were decided, per segment source. */
const RULES: Readonly<Record<SegmentSource, string>> = {
  post: "instrument activity: per-window scores smoothed (attack/release), hysteresis around per-class thresholds, minimum hold",
  raw: "instrument activity: pooled model score >= per-class threshold",
};

const r6 = (v: number): number => Number(v.toFixed(6));

/** JAMS JSON text for one file. */
export function formatJams(a: FileAnalysis, opts: { readonly toolVersion?: string } = {}): string {
  const data = a.segments.map((s) => ({
    time: r6(s.startSec),
    duration: r6(s.endSec - s.startSec),
    value: a.labels[s.column] as string,
    confidence: r6(s.peak),
  }));
  const doc = {
    file_metadata: { title: a.file, artist: "", release: "", duration: r6(a.durationSec), identifiers: {}, jams_version: JAMS_VERSION },
    annotations: [
      {
        namespace: "tag_open",
        annotation_metadata: {
          curator: { name: "", email: "" },
          annotator: { model: a.modelId, resolution: String(a.resolution), hop_sec: a.hopSec, segments: a.segmentSource },
          version: opts.toolVersion ?? "",
          corpus: "",
          annotation_tools: "timbrescope analyze",
          annotation_rules: RULES[a.segmentSource],
          validation: "",
          data_source: "machine prediction",
        },
        data,
        sandbox: {},
        time: 0,
        duration: r6(a.durationSec),
      },
    ],
    sandbox: {},
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
