/**
 * YAML parsing, with the `yaml` package loaded on first use: it is ~45 ms of module loading, and
 * most commands (a catalog run, analyze, live) never read a YAML file. Loaded with require so that
 * parsing stays synchronous for the callers that are (dataset metadata, the taxonomy).
 */
import { createRequire } from "node:module";

type YamlModule = typeof import("yaml");
let yaml: YamlModule | undefined;

/** yaml's `parse` (YAML 1.2; JSON is a subset): the document as plain values. @throws yaml's errors */
export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return yaml.parse(text);
}
