/**
 * Which classes the meters and the timeline show, and in what order; remembered in the browser
 * (localStorage) by class id, so the choice survives reloads and applies to any model that
 * outputs the same classes. Classes the preferences do not mention (a new model) are shown after
 * the ordered ones, in model order.
 */

/** The little of Web Storage used (localStorage in the page, a Map in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Storage key (versioned: a future layout change uses a new key instead of misreading this one). */
export const CLASS_PREFS_KEY = "timbrescope.classes.v1";

/** Order and visibility by class id. */
export interface ClassPrefs {
  /** Class ids in display order (may hold ids the current model lacks). */
  readonly order: readonly string[];
  /** Class ids not shown. */
  readonly hidden: readonly string[];
}

/** No preferences: model order, all shown. */
export const NO_PREFS: ClassPrefs = Object.freeze({ order: [], hidden: [] });

const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Reads the preferences; missing or unreadable ones give NO_PREFS (never throws). */
export function loadClassPrefs(storage: StorageLike | undefined): ClassPrefs {
  try {
    const text = storage?.getItem(CLASS_PREFS_KEY);
    if (text === null || text === undefined) return NO_PREFS;
    const v: unknown = JSON.parse(text);
    if (typeof v === "object" && v !== null && isStrArray((v as ClassPrefs).order) && isStrArray((v as ClassPrefs).hidden)) {
      return { order: (v as ClassPrefs).order, hidden: (v as ClassPrefs).hidden };
    }
  } catch {
    // Private mode or a corrupt value: fall back to the defaults.
  }
  return NO_PREFS;
}

/** Stores the preferences; a storage that refuses (quota, private mode) is ignored. */
export function saveClassPrefs(storage: StorageLike | undefined, prefs: ClassPrefs): void {
  try {
    storage?.setItem(CLASS_PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Not remembered this time; the page keeps working.
  }
}

/** All class indices of `classIds` in display order (hidden ones included). */
export function orderedClasses(prefs: ClassPrefs, classIds: readonly string[]): number[] {
  const pos = new Map(prefs.order.map((id, k) => [id, k]));
  return classIds
    .map((id, index) => ({ index, rank: pos.get(id) ?? prefs.order.length + index }))
    .sort((a, b) => a.rank - b.rank)
    .map((x) => x.index);
}

/** Class indices shown, in display order. */
export function visibleClasses(prefs: ClassPrefs, classIds: readonly string[]): number[] {
  const hidden = new Set(prefs.hidden);
  return orderedClasses(prefs, classIds).filter((i) => !hidden.has(classIds[i] as string));
}

/** Moves class `id` by `delta` places (-1 up, +1 down) in the display order of `classIds`. */
export function moveClass(prefs: ClassPrefs, classIds: readonly string[], id: string, delta: number): ClassPrefs {
  const ids = orderedClasses(prefs, classIds).map((i) => classIds[i] as string);
  const from = ids.indexOf(id);
  if (from < 0) return prefs;
  const to = Math.max(0, Math.min(ids.length - 1, from + delta));
  ids.splice(from, 1);
  ids.splice(to, 0, id);
  // Ids of other models stay remembered, after this model's.
  return { order: [...ids, ...prefs.order.filter((x) => !classIds.includes(x))], hidden: prefs.hidden };
}

/** Shows or hides class `id`. */
export function setClassVisible(prefs: ClassPrefs, id: string, visible: boolean): ClassPrefs {
  const hidden = prefs.hidden.filter((x) => x !== id);
  return { order: prefs.order, hidden: visible ? hidden : [...hidden, id] };
}
