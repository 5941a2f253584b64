import { describe, expect, it } from "vitest";
import { DEFAULT_MEL_PARAMS, diffMelParams, framesPerWindow, melParamsHash, withPadMode } from "../../src/features/params.js";

describe("MelParams", () => {
  it("gives 87 frames per 1 s window (not the paper's 86)", () => {
    expect(framesPerWindow()).toBe(87);
  });
  it("hash is stable under key order and changes with any field", () => {
    const reordered = Object.fromEntries(Object.entries(DEFAULT_MEL_PARAMS).reverse()) as unknown as typeof DEFAULT_MEL_PARAMS;
    expect(melParamsHash(reordered)).toBe(melParamsHash(DEFAULT_MEL_PARAMS));
    expect(melParamsHash(withPadMode("reflect"))).not.toBe(melParamsHash(DEFAULT_MEL_PARAMS));
    expect(melParamsHash({ ...DEFAULT_MEL_PARAMS, nMels: 128 })).not.toBe(melParamsHash(DEFAULT_MEL_PARAMS));
    expect(melParamsHash()).toMatch(/^[0-9a-f]{16}$/);
  });
  it("names the differing field", () => {
    expect(diffMelParams(DEFAULT_MEL_PARAMS, withPadMode("reflect"))).toEqual(["padMode: constant != reflect"]);
  });
});
