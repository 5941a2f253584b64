/**
 * `--backend` of the tfjs commands (train, evaluate), parsed without loading TensorFlow.js, so the
 * CLI starts quickly; backend.ts initialises what it names.
 */
import { UserError } from "../errors.js";

/** The tfjs backends `--backend` may name. */
export const BACKEND_REQUESTS = ["auto", "tensorflow", "wasm", "cpu"] as const;

/** What the user asks for (`--backend`). */
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** Parses a `--backend` value (case and surrounding blanks ignored) among `choices`; throws UserError naming what was received. */
export function parseBackendChoice<T extends string>(text: string, choices: readonly T[]): T {
  const t = text.trim().toLowerCase();
  const hit = choices.find((c) => c === t);
  if (hit === undefined) throw new UserError(`Expected --backend ${choices.join("|")}, got "${text}"`);
  return hit;
}

/** Parses `--backend` of the training commands. */
export function parseBackendRequest(text: string): BackendRequest {
  return parseBackendChoice(text, BACKEND_REQUESTS);
}
