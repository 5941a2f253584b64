import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runPython } from "../../helpers/python.js";
import { formatFixed4, formatLab, parseLab, readLab } from "../../../src/data/lab.js";
import { MEDLEYDB_ROOT } from "./expected-labels.js";

const original = (id: string): string => resolve(MEDLEYDB_ROOT, "Annotations/Activation_Confidence/original", `${id}_ACTIVATION_CONF.lab`);

describe(".lab parser", () => {
  it("keeps the header as written (PurlingHiss_Lolita: S01..S04,S06,S07)", async () => {
    const t = await readLab(original("PurlingHiss_Lolita"));
    expect(t.columns).toEqual(["S01", "S02", "S03", "S04", "S06", "S07"]);
    expect(t.times).toHaveLength(5518);
    expect(t.times[1]).toBe(0.0464);
    expect(t.values[0]?.[0]).toBe(0.0397);
    expect(t.times[5517]).toBe(256.209);
  });

  it("reads Phoenix_ElzicsFarewell's short header (no S04)", async () => {
    const t = await readLab(original("Phoenix_ElzicsFarewell"));
    expect(t.columns).toEqual(["S01", "S02", "S03"]);
    expect(t.values).toHaveLength(3);
  });

  it.each([
    ["", /line 1: expected a header starting with "time"/],
    ["t,S01\n0,1", /line 1: expected a header starting with "time"/],
    ["time,S01", /no data rows/],
    ["time,S01,S01\n0,1,1", /duplicate column "S01"/],
    ["time,S01\n0.0,0.5\n0.04,0.5,0.1", /line 3: expected 2 fields, got 3/],
    ["time,S01\n0.0,abc", /line 2, field 2: expected a number, got "abc"/],
    ["time,S01\n0.0,", /line 2, field 2: expected a number/],
    ["time,S01\n0.5,0.1\n0.4,0.1", /line 3: time 0.4 is before/],
  ])("rejects malformed text with a one-line error naming the file (%#)", (text, re) => {
    expect(() => parseLab(text, "/d/T_ACTIVATION_CONF.lab")).toThrow(re);
    expect(() => parseLab(text, "/d/T_ACTIVATION_CONF.lab")).toThrow(/^\/d\/T_ACTIVATION_CONF\.lab: /);
  });

  it("accepts CRLF and a missing trailing newline", () => {
    const t = parseLab("time,S01\r\n0.0000,0.0474\r\n0.0464,0.9", "x.lab");
    expect([...t.times]).toEqual([0, 0.0464]);
    expect([...(t.values[0] ?? [])]).toEqual([0.0474, 0.9]);
  });
});

describe(".lab writer", () => {
  it("formats like Python's '%.4f', including exact ties (round half to even)", () => {
    const xs = [0, 0.03125, 0.09375, 0.15625, 1.00005, 0.5, 0.04742587317756678, 2.3219954648526078, 256.209, 0.99995, 3.046875, 1e-9];
    const py = JSON.parse(
      runPython("import sys, json; print(json.dumps(['%.4f' % x for x in json.load(sys.stdin)]))", JSON.stringify(xs)),
    ) as string[];
    expect(xs.map(formatFixed4)).toEqual(py);
  });

  it("round-trips a fixture file byte for byte", async () => {
    const { readFile } = await import("node:fs/promises");
    const path = original("MusicDelta_FunkJazz");
    const text = await readFile(path, "utf8");
    expect(formatLab(parseLab(text, path))).toBe(text);
  });
});
