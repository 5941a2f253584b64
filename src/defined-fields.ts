/**
 * Optional fields under `exactOptionalPropertyTypes`: an optional property may be absent but not
 * `undefined`, so passing on a value that may be undefined needs the key left out. One helper does
 * that instead of a `...(x === undefined ? {} : { x })` spread at every call site.
 */

/** `fields` without the keys whose value is undefined; every key typed as optional. */
export type DefinedFields<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * Returns a copy of `fields` without the keys whose value is undefined, for spreading into
 * options: `{ a: 1, ...definedFields({ hopSec, name }) }`.
 */
export function definedFields<T extends object>(fields: T): DefinedFields<T> {
  const out: Partial<Record<keyof T, unknown>> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    if (fields[key] !== undefined) out[key] = fields[key];
  }
  return out as DefinedFields<T>;
}
