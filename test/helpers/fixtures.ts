/** Loads the shared reference fixtures (../shared/fixtures relative to the project root). */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const FIXTURES = resolve(process.cwd(), "../shared/fixtures");
export const ANNOTATIONS = resolve(FIXTURES, "multitrack-annotations");

/** Parses a JSON fixture file; `rel` is relative to ../shared/fixtures. */
export function loadFixture<T>(rel: string): T {
  return JSON.parse(readFileSync(resolve(FIXTURES, rel), "utf8")) as T;
}
