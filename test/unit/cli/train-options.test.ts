// `train --workers` defaults to the machine's cores (issue 17): the default and the help that states it.
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultTrainWorkers } from "../../../src/cli/train.js";
import { captureCli } from "../../helpers/cli.js";

describe("train --workers", () => {
  it("defaults to one data-parallel thread per core (at most 16)", async () => {
    expect(defaultTrainWorkers()).toBe(Math.max(1, Math.min(16, availableParallelism())));
    const help = await captureCli(["train", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain(`(default: one per core, ${defaultTrainWorkers()} here)`);
  });
});
