/**
 * Scoring saved activations (activity logs written by `live --record` / `analyze`) without
 * re-running the network (CONTRIBUTING.md, habit 8). Each log is one track; its frames at whole seconds
 * (window k starting at k s) are the 1 s windows the paper evaluates. Ground truth comes either
 * from a labels .npy per log ([windows, classes] 0/1) or from dataset roots, where the track whose
 * mix file has the log's source file name supplies the labels.
 */
import { basename } from "node:path";
import { labelledMixes, loadDataset } from "../data/dataset.js";
import { InputFileError, UserError } from "../errors.js";
import { readNpy } from "../io/npy.js";
import { logFrames, readActivityLog } from "../sinks/activity-log.js";
import type { ScoredModel } from "./report-data.js";

/** Options of {@link scoreActivations}. */
export interface ActivationsOptions {
  readonly files: readonly string[];
  /** One labels .npy per file (same order), or none. */
  readonly labelFiles?: readonly string[];
  /** Dataset roots to find labels by mix file name when `labelFiles` is absent. */
  readonly roots?: readonly string[];
}

interface Truth {
  readonly classes: Uint8Array | Float64Array | Float32Array | Int32Array;
  readonly nWindows: number;
}

/** Reads the logs and their labels into one ScoredModel (tracks in file order). */
export async function scoreActivations(o: ActivationsOptions): Promise<ScoredModel> {
  if (o.files.length === 0) throw new UserError("evaluate --activations needs at least one FILE.jsonl");
  if (o.labelFiles !== undefined && o.labelFiles.length !== o.files.length) {
    throw new UserError(`--labels lists ${o.labelFiles.length} files for ${o.files.length} --activations files (one per log, same order)`);
  }
  if (o.labelFiles === undefined && (o.roots === undefined || o.roots.length === 0))
    throw new UserError("evaluate --activations needs --labels FILE.npy... or --data DIR...");
  const byMix =
    o.labelFiles === undefined
      ? new Map(labelledMixes(await loadDataset(o.roots ?? [], { requireMix: true })).map((m) => [basename(m.mixPath), m.labels]))
      : undefined;
  const scores: number[] = [];
  const truth: number[] = [];
  const trackIds: number[] = [];
  let labels: readonly string[] | undefined;
  let thresholds: readonly number[] = [];
  let modelId = "activations";
  for (const [t, file] of o.files.entries()) {
    const logFile = await readActivityLog(file);
    const session = logFile.records.find((r) => r.type === "session");
    if (session === undefined || session.type !== "session") throw new InputFileError(file, "no session record (is this an activity log?)");
    if (labels !== undefined && session.labels.join() !== labels.join())
      throw new InputFileError(file, `labels differ from ${o.files[0]}'s`);
    labels = session.labels;
    thresholds = session.thresholds;
    modelId = session.modelId;
    const nc = labels.length;
    let gt: Truth;
    const lf = o.labelFiles?.[t];
    if (lf !== undefined) {
      const a = await readNpy(lf);
      if (a.shape.length !== 2 || a.shape[1] !== nc)
        throw new InputFileError(lf, `expected labels of shape [windows, ${nc}], got (${a.shape.join(", ")})`);
      gt = { classes: a.data, nWindows: a.shape[0] as number };
    } else {
      const found = byMix?.get(basename(session.source.name));
      if (found === undefined)
        throw new InputFileError(file, `no track under ${(o.roots ?? []).join(", ")} has a mix named ${basename(session.source.name)}`);
      gt = found;
    }
    // Frames of the mix lane that start on a whole second are the paper's 1 s windows.
    const perSecond = new Map<number, number[]>();
    for (const f of logFrames(logFile)) {
      const w = Math.round(f.timeSec);
      if (f.lane === 0 && Math.abs(f.timeSec - w) < 1e-6 && !perSecond.has(w)) perSecond.set(w, f.raw);
    }
    for (let w = 0; w < gt.nWindows; w++) {
      const raw = perSecond.get(w);
      if (raw === undefined) continue;
      for (let c = 0; c < nc; c++) {
        scores.push(raw[c] ?? 0);
        truth.push((gt.classes[w * nc + c] as number) > 0 ? 1 : 0);
      }
      trackIds.push(t);
    }
  }
  if (labels === undefined || trackIds.length === 0)
    throw new UserError("the activity logs hold no frame at a whole second that has a label");
  return {
    name: modelId,
    labels,
    thresholds,
    scores: Float32Array.from(scores),
    truth: Uint8Array.from(truth),
    trackIds: Int32Array.from(trackIds),
    rows: trackIds.length,
    info: { source: "saved activations", logs: o.files.length },
  };
}
