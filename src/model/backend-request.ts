/**
 * `--backend` of the tfjs commands (train, evaluate), parsed without loading TensorFlow.js, so the
 * CLI starts quickly; backend.ts initialises what it names.
 */
import { UserError } from "../errors.js";

/** What the user asks for (`--backend`). */
export type BackendRequest = "auto" | "tensorflow" | "wasm" | "cpu";

/** Parses `--backend`; throws UserError naming what was received. */
export function parseBackendRequest(text: string): BackendRequest {
  const t = text.trim().toLowerCase();
  if (t === "auto" || t === "tensorflow" || t === "wasm" || t === "cpu") return t;
  throw new UserError(`Expected --backend auto|tensorflow|wasm|cpu, got "${text}"`);
}
