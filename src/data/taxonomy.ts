/**
 * MedleyDB's instrument taxonomy (`taxonomy.yaml`, "#Version 1.0"): 2-3 levels of families whose
 * leaves are the valid instrument labels (122 of them, incl. `Main System` and `Unlabeled`).
 * The reader uses it only to report labels that are not leaves and to check the label map's
 * targets; nothing depends on it being present.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseYaml } from "../io/yaml.js";
import { InputFileError } from "../errors.js";

/** The taxonomy's leaves in file order, and the family path to each. */
export interface Taxonomy {
  /** The file it came from. */
  readonly path: string;
  /** Leaf labels (the valid instrument labels). */
  readonly leaves: ReadonlySet<string>;
  /** Leaf -> family path, e.g. `violin` -> [`strings`, `bowed`]. */
  readonly families: ReadonlyMap<string, readonly string[]>;
}

/** Parses taxonomy YAML text (`path` only names the file in errors). */
export function parseTaxonomy(text: string, path: string): Taxonomy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new InputFileError(path, `malformed YAML: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`);
  }
  const families = new Map<string, readonly string[]>();
  const walk = (node: unknown, trail: readonly string[]): void => {
    if (typeof node === "string") families.set(node, trail);
    else if (Array.isArray(node)) for (const n of node) walk(n, trail);
    else if (typeof node === "object" && node !== null) {
      for (const [k, v] of Object.entries(node)) walk(v, [...trail, k]);
    } else if (node !== null && node !== undefined) {
      throw new InputFileError(path, `unexpected ${typeof node} under ${trail.join("/") || "the top level"}`);
    }
  };
  walk(doc, []);
  if (families.size === 0) throw new InputFileError(path, "no leaf labels found");
  return { path, leaves: new Set(families.keys()), families };
}

/** Reads one taxonomy file. */
export async function readTaxonomy(path: string): Promise<Taxonomy> {
  return parseTaxonomy(await readFile(path, "utf8"), path);
}

/**
 * Finds `taxonomy.yaml` near a dataset root: `<root>/taxonomy.yaml` (the fixtures),
 * `<root>/resources/taxonomy.yaml`, `<root>/medleydb/resources/taxonomy.yaml` (the code repo)
 * and `<root>/../resources/taxonomy.yaml` (root = `medleydb/data`). Undefined when none exists.
 */
export function findTaxonomyFile(roots: readonly string[]): string | undefined {
  for (const root of roots) {
    for (const rel of ["taxonomy.yaml", "resources/taxonomy.yaml", "medleydb/resources/taxonomy.yaml", "../resources/taxonomy.yaml"]) {
      const p = join(root, rel);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}
