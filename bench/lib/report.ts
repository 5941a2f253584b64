/**
 * Pure reporting: the issue's targets evaluated on a run's figures, the closing note for missed
 * ones, and the Markdown tables printed to stdout (and pasted into the README).
 */
import type { BenchResults, InferenceRow, TargetResult } from "./schema.js";

/** Everything a run measured, before targets and notes are derived from it. */
export type Measured = Omit<BenchResults, "targets" | "notes">;

/** The hop the live targets are stated at, seconds. */
export const TARGET_HOP_SEC = 0.25;

function target(
  id: string,
  description: string,
  value: number | null,
  threshold: number,
  unit: string,
  atLeast: boolean,
  strict = false,
): TargetResult {
  const ok = value === null || Number.isNaN(value) ? null : atLeast ? value >= threshold : strict ? value < threshold : value <= threshold;
  return { id, description, value: value === null || Number.isNaN(value) ? null : value, threshold, unit, met: ok };
}

/** The CNN row the inference target is judged on: the shipped model if it is a CNN, else the fastest random CNN at its width. */
export function cnnTargetRow(m: Measured): InferenceRow | undefined {
  // The shipped model on its fastest float engine (2-thread ONNX Runtime when installed: like for like with the 2-thread
  // float32 peak; int8 rows count the same multiply-adds but are not float work, so they are not judged against it).
  const shipped = m.inference
    .filter((r) => r.source !== "random" && r.arch === "cnn" && r.gflopsBatch32 !== null && !r.backend.includes("int8"))
    .sort((a, b) => (b.gflopsBatch32 ?? 0) - (a.gflopsBatch32 ?? 0))[0];
  if (shipped !== undefined) return shipped;
  return m.inference
    .filter((r) => r.arch === "cnn" && r.source === "random" && r.widthScale === m.defaultModel.widthScale && r.gflopsBatch32 !== null)
    .sort((a, b) => (b.gflopsBatch32 ?? 0) - (a.gflopsBatch32 ?? 0))[0];
}

/** Evaluates the issue's targets on a run. */
export function evaluateTargets(m: Measured): TargetResult[] {
  const mel = m.mel;
  const ratio = (other: { framesPerSec: number } | null | undefined): number | null =>
    mel === null || other === null || other === undefined ? null : mel.ours.framesPerSec / other.framesPerSec;
  const cnn = cnnTargetRow(m);
  const atHop = m.live.filter((r) => r.hopSec === TARGET_HOP_SEC);
  const p95s = atHop.map((r) => r.oscLatencyMs.p95).filter((v) => Number.isFinite(v));
  const cpuRun = atHop.find((r) => !r.wsClient);
  const cnnTrain = m.training
    .filter((r) => r.arch === "cnn" && r.widthScale === m.defaultModel.widthScale && r.samplesPerSec !== null)
    .map((r) => r.samplesPerSec as number);
  return [
    target("mel-vs-essentia", "mel front-end ≥ essentia.js (frames/s ratio)", ratio(mel?.essentia), 1, "×", true),
    target("mel-vs-numpy", "mel front-end ≥ NumPy (frames/s ratio)", ratio(mel?.numpy), 1, "×", true),
    target(
      "cnn-peak",
      `CNN inference ≥ 30 % of sgemm peak (${cnn === undefined ? "no CNN row" : `${cnn.source === "random" ? "random" : cnn.source} x${cnn.widthScale}, batch 32`})`,
      cnn?.peakFraction === null || cnn?.peakFraction === undefined ? null : 100 * cnn.peakFraction,
      30,
      "%",
      true,
    ),
    target(
      "analyze-rtf",
      "analyze ≥ 100× real time (4-minute track, end to end)",
      m.analyze?.fourMinute.realTimeFactor ?? null,
      100,
      "×",
      true,
    ),
    target(
      "live-p95",
      `live latency p95 ≤ 30 ms (hop ${TARGET_HOP_SEC} s, worst of with/without WS client)`,
      p95s.length === 0 ? null : Math.max(...p95s),
      30,
      "ms",
      false,
    ),
    target("live-cpu", `live at hop ${TARGET_HOP_SEC} s < 25 % of one core`, cpuRun?.cpuPercent ?? null, 25, "%", false, true),
    target(
      "cnn-train",
      `CNN training ≥ 40 samples/s (x${m.defaultModel.widthScale}, best backend/workers)`,
      cnnTrain.length === 0 ? null : Math.max(...cnnTrain),
      40,
      "samples/s",
      true,
    ),
  ];
}

/** Formats a number with about three significant digits (integers above 1000 in full). */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a === 0) return "0";
  const text = v.toPrecision(digits);
  // Trailing zeros of a fraction carry no information here ("1.50" -> "1.5"); integer zeros stay.
  return text.includes(".") && !text.includes("e") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const metText = (t: TargetResult): string => (t.met === null ? "not measured" : t.met ? "met" : "**not met**");

/** The closing note: where the time goes for each missed target and what would close it. */
export function closingNotes(m: Measured, targets: readonly TargetResult[]): string[] {
  const notes: string[] = [];
  const missed = new Set(targets.filter((t) => t.met === false).map((t) => t.id));
  const one = m.sgemm.oneThread?.gflops;
  const two = m.sgemm.twoThreads?.gflops;
  const cnn = cnnTargetRow(m);
  if (missed.has("cnn-peak") && cnn !== undefined) {
    notes.push(
      `CNN inference reaches ${fmt(cnn.gflopsBatch32)} GFLOP/s on ${cnn.backend}: ${fmt(100 * (cnn.peakFraction ?? Number.NaN))} % of the 2-thread sgemm peak (${fmt(two)} GFLOP/s)` +
        `${one === undefined ? "" : `, ${fmt((100 * (cnn.gflopsBatch32 ?? 0)) / one)} % of the 1-thread peak (${fmt(one)})`}. ` +
        (cnn.backend.startsWith("onnxruntime")
          ? "ONNX Runtime's MLAS convolutions are the fastest engine here; the rest is the half-width network's small channel counts (32–64 filters in the large early layers) and memory-bound pooling / ELU."
          : "tfjs-backend-wasm runs XNNPACK on one thread in Node 20 (no SharedArrayBuffer threads pool), so at most the 1-thread share is reachable; " +
            "onnxruntime-node (a dependency; `--backend onnxruntime`) is the multi-threaded native engine that closes it — it did not load in this run."),
    );
  }
  if (missed.has("analyze-rtf") && m.analyze !== null) {
    const a = m.analyze;
    const netMs = m.inference.find((r) => r.source !== "random")?.batch32MsPerWindow;
    const melMs = m.mel === null ? undefined : (1000 * m.mel.oursWindow.seconds) / m.mel.oursWindow.audioSec;
    const split =
      netMs === undefined || netMs === null || melMs === undefined
        ? ""
        : ` Per 1 s window the network takes ${fmt(netMs)} ms (batch 32) and the mel ${fmt(melMs)} ms, so the network is ${fmt((100 * netMs) / (netMs + melMs), 2)} % of the per-window work.`;
    notes.push(
      `analyze runs ${fmt(a.fourMinute.realTimeFactor)}× real time on the 4-minute track: ${fmt(a.fit.slopeSecPerMin)} s per minute of audio plus ` +
        `${fmt(a.fit.interceptSec)} s fixed (start-up, model load, warm-up).${split} 100× needs ≤ 10 ms per window for mel + network together at hop 1 s; ` +
        "the main thread's decode + resample and the start-up (Node, the CLI, one scorer worker per core) are the rest.",
    );
  }
  if (missed.has("live-p95")) {
    const ws = m.live.find((r) => r.wsClient && r.hopSec === TARGET_HOP_SEC);
    const b1 = m.inference.find((r) => r.source !== "random")?.batch1Ms;
    notes.push(
      `live latency p95 above 30 ms: after a window's last sample (10 ms file-source chunks) it waits for the scorer worker, which takes ` +
        `${fmt(ws?.scorerMsP50)} ms p50 per batch in the live run (mel ≈ 1–5 ms + the network at batch 1: ${fmt(b1)} ms in the inference table); a window that completes ` +
        "while the previous one is still being scored waits up to one more scorer time. The floor is the network's batch-1 time, so 30 ms needs a network under ≈ 25 ms " +
        "per window on this machine and a machine that is not oversubscribed (wall time stretches with the load average).",
    );
  }
  if (missed.has("live-cpu")) {
    notes.push(
      "live CPU above 25 % of a core at hop 0.25 s: 4 windows/s each cost one mel window plus one batch-1 inference; " +
        `the network (${fmt(m.inference.find((r) => r.source !== "random")?.batch1Ms)} ms at batch 1) is most of it, so a narrower model or a faster backend closes it.`,
    );
  }
  if (missed.has("cnn-train")) {
    const best = m.training
      .filter((r) => r.arch === "cnn" && r.samplesPerSec !== null)
      .sort((a, b) => (b.samplesPerSec ?? 0) - (a.samplesPerSec ?? 0))[0];
    notes.push(
      `CNN training: best ${fmt(best?.samplesPerSec)} samples/s (x${best?.widthScale ?? "?"}, ${best?.backend ?? "?"}, ${best?.workers ?? "?"} worker(s)). ` +
        "A training step is ≈ 3× the forward FLOPs; the wasm backend trains on one thread per worker, so throughput is bounded by one core per worker.",
    );
  }
  if (missed.has("mel-vs-essentia") || missed.has("mel-vs-numpy")) {
    const np = m.mel?.numpy;
    notes.push(
      `mel front-end: ${fmt(m.mel?.ours.framesPerSec)} frames/s against ${fmt(np?.framesPerSec)} for NumPy. Since the own real FFT ` +
        "(src/features/real-fft.ts: one N/2 complex FFT with a wasm SIMD stage kernel) and the table logarithm, a profile of melWholeDb puts ≈ 60 % " +
        "in the FFT kernel, ≈ 12 % in the filterbank and ≈ 10 % in the dB conversion; moving the filterbank and the last FFT stage into the wasm " +
        "kernel is the next step.",
    );
  }
  if (m.profile !== null) {
    notes.push(
      `Profile (${m.profile.what}), self time: ${m.profile.top
        .slice(0, 8)
        .map((e) => `${e.functionName} ${fmt(e.selfPct, 2)} %`)
        .join(", ")}.`,
    );
  }
  const unmeasured = targets.filter((t) => t.met === null).map((t) => t.id);
  if (unmeasured.length > 0) notes.push(`Not measured in this run: ${unmeasured.join(", ")}.`);
  if (missed.size === 0 && unmeasured.length === 0) notes.push("All targets met.");
  return notes;
}

/** The whole report as Markdown: machine line, targets, and one table per section. */
export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  const mc = r.machine;
  out.push(
    `timbrescope bench (${r.mode}), ${mc.date.slice(0, 16).replace("T", " ")} UTC, ${r.durationSec.toFixed(0)} s: ${mc.cpuModel}, ${mc.cores} cores, ` +
      `${mc.totalMemGiB.toFixed(0)} GiB, Node ${mc.nodeVersion}, load ${mc.loadAvg1.toFixed(1)} at start${mc.gitCommit === null ? "" : `, commit ${mc.gitCommit.slice(0, 10)}`}`,
  );
  out.push(
    `Reference: NumPy sgemm 2048² float32 ${fmt(r.sgemm.twoThreads?.gflops)} GFLOP/s on 2 threads, ${fmt(r.sgemm.oneThread?.gflops)} on 1 (${r.sgemm.twoThreads?.info ?? "NumPy unavailable"}). ` +
      `Shipped model: ${r.defaultModel.dir} (${r.defaultModel.arch}, width x${r.defaultModel.widthScale}).`,
  );
  out.push(
    "",
    table(
      ["target", "measured", "threshold", "result"],
      r.targets.map((t) => [t.description, `${fmt(t.value)} ${t.unit}`, `${fmt(t.threshold)} ${t.unit}`, metText(t)]),
    ),
  );
  if (r.mel !== null) {
    const mel = r.mel;
    const rows = [mel.ours, mel.oursWindow, mel.numpy, mel.essentia, mel.essentiaSpectrumOnly].filter((x) => x !== null);
    out.push(
      "",
      `Mel front-end, ${fmt(mel.trackSec)} s track (${fmt(mel.frames)} frames); ours vs NumPy max |Δ| ${fmt(mel.numpyMaxAbsDb)} dB`,
    );
    out.push(
      table(
        ["implementation", "frames/s", "× real time", "ours ÷ it", "note"],
        rows.map((x) => [
          x.name,
          fmt(x.framesPerSec),
          fmt(x.realTimeFactor),
          x === mel.ours || x === mel.oursWindow ? "" : fmt(mel.ours.framesPerSec / x.framesPerSec),
          x.note,
        ]),
      ),
    );
  }
  if (r.inference.length > 0) {
    out.push(
      "",
      "Inference (ms per window; GFLOP/s and % of the 2-thread float32 sgemm peak at batch 32; int8 rows count the same multiply-adds, so their % can pass 100)",
    );
    out.push(
      table(
        ["model", "width", "backend", "params", "MFLOP/win", "batch 1 ms", "batch 32 ms/win", "GFLOP/s", "% peak"],
        r.inference.map((x) => [
          x.source === "random" ? `${x.arch} (random)` : `${x.source} (${x.arch})`,
          fmt(x.widthScale),
          x.backend,
          x.params === 0 ? "–" : fmt(x.params),
          fmt(x.mflopsPerWindow),
          fmt(x.batch1Ms),
          fmt(x.batch32MsPerWindow),
          fmt(x.gflopsBatch32),
          x.skipped !== null && x.batch1Ms === null ? x.skipped : fmt(x.peakFraction === null ? null : 100 * x.peakFraction),
        ]),
      ),
    );
  }
  if (r.analyze !== null) {
    const a = r.analyze;
    out.push(
      "",
      `analyze end to end (child process, 44.1 kHz stereo FLAC; fit: ${fmt(a.fit.interceptSec)} s + ${fmt(a.fit.slopeSecPerMin)} s/min, r² ${fmt(a.fit.r2, 4)}, worst residual ${fmt(a.fit.maxResidualPct, 2)} %)`,
    );
    out.push(
      table(
        ["audio", "wall s", "× real time", "peak RSS MiB"],
        [a.fourMinute, ...a.scaling.filter((s) => s !== a.fourMinute)]
          .sort((x, y) => x.audioSec - y.audioSec)
          .map((s) => [`${fmt(s.audioSec / 60)} min`, fmt(s.wallSec), fmt(s.realTimeFactor), fmt(s.peakRssMiB)]),
      ),
    );
  }
  if (r.live.length > 0) {
    out.push("", "live (file source at real time; latency = window's last sample captured → OSC bundle received, ms)");
    out.push(
      table(
        [
          "run",
          "hop s",
          "audio s",
          "p50",
          "p95",
          "p99",
          "max",
          "pipeline's own p50/p95/p99",
          "scorer ms p50",
          "CPU % of a core",
          "peak RSS MiB",
          "dropped",
        ],
        r.live.map((x) => [
          x.label,
          fmt(x.hopSec),
          fmt(x.audioSec),
          fmt(x.oscLatencyMs.p50),
          fmt(x.oscLatencyMs.p95),
          fmt(x.oscLatencyMs.p99),
          fmt(x.oscLatencyMs.max),
          x.pipelineLatencyMs === null
            ? "–"
            : `${fmt(x.pipelineLatencyMs.p50)} / ${fmt(x.pipelineLatencyMs.p95)} / ${fmt(x.pipelineLatencyMs.p99)}`,
          fmt(x.scorerMsP50),
          fmt(x.cpuPercent),
          fmt(x.peakRssMiB),
          x.droppedWindows === null ? "–" : String(x.droppedWindows),
        ]),
      ),
    );
  }
  if (r.training.length > 0) {
    out.push("", "Training (train --benchmark: random batches of 32, same step engine as train)");
    out.push(
      table(
        ["arch", "width", "backend", "workers", "samples/s", "ms/step", "peak RSS MiB"],
        r.training.map((x) => [
          x.arch,
          fmt(x.widthScale),
          x.backend,
          String(x.workers),
          x.skipped ?? fmt(x.samplesPerSec),
          fmt(x.msPerStep),
          fmt(x.peakRssMiB),
        ]),
      ),
    );
  }
  const p = r.peakRssMiB;
  out.push(
    "",
    `Peak RSS: training ${fmt(p.training)} MiB, analyze of ${fmt(p.analyzeMinutes)} min ${fmt(p.analyze)} MiB, live ${fmt(p.live)} MiB.`,
  );
  out.push("", "Closing note:", ...r.notes.map((n) => `- ${n}`));
  return out.join("\n") + "\n";
}
