/**
 * Comparing two training output folders the way resume tests need: the final weights, the
 * checkpoint's weights and optimizer state byte for byte, and train-log.jsonl record for record
 * without its wall-clock fields (seconds, samplesPerSec).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** The files of a run that must be byte-identical after a resume. */
export const RESUME_IDENTICAL_FILES = ["weights.bin", "checkpoint/weights.bin", "checkpoint/optimizer.bin"] as const;

/** The records of train-log.jsonl in `dir`, as written. */
export function trainLog(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, "train-log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** train-log.jsonl of `dir` without the fields that depend on timing. */
export function trainLogWithoutTiming(dir: string): Record<string, unknown>[] {
  return trainLog(dir).map((rec) => {
    delete rec["seconds"];
    delete rec["samplesPerSec"];
    return rec;
  });
}

/** Asserts that training folder `dir` ended exactly like `reference` (see the module comment). */
export function expectSameTrainingRun(dir: string, reference: string): void {
  for (const file of RESUME_IDENTICAL_FILES) {
    expect(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
  }
  expect(trainLogWithoutTiming(dir)).toEqual(trainLogWithoutTiming(reference));
}
