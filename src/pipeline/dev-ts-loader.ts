/**
 * Running TypeScript sources in a worker thread or child process during development and tests.
 *
 * The built package runs dist/*.js and never needs this. When the pipeline itself runs from .ts
 * sources (vitest transforms them in-process), a worker_thread or a spawned `node` does not: Node 20
 * cannot load .ts files. These module hooks (node:module `register`, Node >= 20.6) transpile .ts
 * files with the project's own `typescript` (a devDependency; `transpileModule`, no type check) and
 * map `./x.js` specifiers to `./x.ts` when only the .ts file exists, as NodeNext source imports do.
 *
 * Everything is passed as `data:` URLs so no extra JavaScript file has to live outside the type-
 * checked tree.
 */
import { fileURLToPath, pathToFileURL } from "node:url";

/** Project root (two levels above src/pipeline), as a file URL ending in "/". */
const PROJECT_ROOT_URL = new URL("../../", import.meta.url);

function hooksSource(): string {
  const requireFrom = new URL("package.json", PROJECT_ROOT_URL).href;
  return `
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const ts = createRequire(${JSON.stringify(requireFrom)})("typescript");
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent !== undefined && parent.startsWith("file:") && parent.endsWith(".ts") &&
      (specifier.startsWith("./") || specifier.startsWith("../")) && specifier.endsWith(".js")) {
    const js = new URL(specifier, parent);
    if (!existsSync(fileURLToPath(js))) {
      const tsUrl = new URL(specifier.slice(0, -3) + ".ts", parent);
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, format: "module", shortCircuit: true };
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".ts")) {
    const path = fileURLToPath(url);
    const out = ts.transpileModule(readFileSync(path, "utf8"), {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
    });
    return { format: "module", source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
`;
}

function dataUrl(code: string): string {
  return "data:text/javascript," + encodeURIComponent(code);
}

/**
 * Node CLI flags that make a worker or child process able to import .ts files:
 * `["--import", "data:text/javascript,..."]`. Harmless for .js files.
 */
export function tsExecArgv(): string[] {
  const register = `import { register } from "node:module"; register(${JSON.stringify(dataUrl(hooksSource()))});`;
  return ["--import", dataUrl(register)];
}

/** True when this module is running from its .ts source (tests, development) rather than dist/. */
export function runningFromSource(): boolean {
  return import.meta.url.endsWith(".ts");
}

/**
 * URL of a sibling module of `fromUrl`, as .ts when running from source and .js otherwise.
 * @param fromUrl   `import.meta.url` of the caller
 * @param baseName  file name without extension, e.g. "./scorer-thread-entry"
 */
export function siblingModule(fromUrl: string, baseName: string): URL {
  return new URL(baseName + (fromUrl.endsWith(".ts") ? ".ts" : ".js"), fromUrl);
}

/** Absolute path of a file in the project, for spawning children in tests. */
export function projectPath(rel: string): string {
  return fileURLToPath(new URL(rel, PROJECT_ROOT_URL));
}

/** File URL string of an absolute path (re-exported helper for scorer specs). */
export function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}
