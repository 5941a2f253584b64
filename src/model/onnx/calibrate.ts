/**
 * Measuring the int8 ranges of a model folder (int8-calibration.ts holds the file format): the float
 * network runs on ONNX Runtime with every convolution's input and batch-normalised output tapped,
 * and the minimum and maximum of each are kept over the windows it is shown. The first convolution
 * is left in float (its input is the mel spectrogram itself, and it is 2 % of the work).
 *
 * Two callers, one meter: `scripts/calibrate-int8.ts` shows it audio files (after a weight average
 * or by hand), `train` its validation windows at the end of a run, so a trained folder has its
 * int8.json without a second step. Calibrate on training or validation audio, never on a held-out
 * or real test set.
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { MODEL_FILES, readModelFiles } from "../model-files.js";
import { networkTaps, ONNX_INPUT } from "./convert.js";
import { weightsSha256, writeInt8Calibration } from "./int8-calibration.js";
import { networkFromModelJson } from "./network-spec.js";
import { encodeOnnxModel } from "./proto.js";

/** Windows per ONNX Runtime call. */
const BATCH = 32;

type Taps = readonly (readonly [string, { readonly input: string; readonly output: string }])[];

/** The tensor names measured: each tapped convolution's input and output. */
function tapNames(convs: Taps): string[] {
  return convs.flatMap(([, t]) => [t.input, t.output]);
}

/** Running minimum / maximum of every tapped tensor of one model folder's float network. */
export class Int8RangeMeter {
  private readonly names: string[];
  private readonly lo: Map<string, number>;
  private readonly hi: Map<string, number>;
  private count = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly convs: Taps,
    private readonly shape: readonly [number, number],
    private readonly sha256: string,
  ) {
    this.names = tapNames(convs);
    // Ranges always hold 0 (the convolutions pad with zeros).
    this.lo = new Map(this.names.map((n) => [n, 0]));
    this.hi = new Map(this.names.map((n) => [n, 0]));
  }

  /**
   * A meter for the network in `modelDir`. Throws UnsupportedNetworkError (convert.ts) for a network
   * ONNX Runtime cannot run (the CRNN); `convolutions` is 0 for one without quantisable convolutions.
   */
  static async open(modelDir: string, threads = 2): Promise<Int8RangeMeter> {
    const files = await readModelFiles(join(modelDir, MODEL_FILES.topology));
    const net = networkFromModelJson(files.json, files.specs, files.weights);
    const { graph, taps } = networkTaps(net);
    const convs = [...taps.entries()].slice(1);
    const tapped = { ...graph, outputs: [...graph.outputs, ...tapNames(convs).map((name) => ({ name, shape: ["N", "C", "H", "W"] }))] };
    const session = await ort.InferenceSession.create(encodeOnnxModel(tapped), { intraOpNumThreads: threads, logSeverityLevel: 3 });
    const [bands, frames] = net.inputShape;
    return new Int8RangeMeter(session, convs, [bands, frames], weightsSha256(files.weights));
  }

  /** Convolutions that get int8 ranges. */
  get convolutions(): number {
    return this.convs.length;
  }

  /** Windows seen so far. */
  get windows(): number {
    return this.count;
  }

  /** Runs `n` mel windows (row k at k * bands * frames, as the feature cache stores them) and widens the ranges. */
  async observe(mel: Float32Array, n: number): Promise<void> {
    const [bands, frames] = this.shape;
    for (let k = 0; k < n; k += BATCH) {
      const m = Math.min(BATCH, n - k);
      const x = new ort.Tensor("float32", mel.subarray(k * bands * frames, (k + m) * bands * frames), [m, bands, frames, 1]);
      const out = await this.session.run({ [ONNX_INPUT]: x }, this.names);
      for (const name of this.names) {
        const v = out[name]?.data as Float32Array;
        let a = this.lo.get(name) as number;
        let b = this.hi.get(name) as number;
        for (const y of v) {
          if (y < a) a = y;
          if (y > b) b = y;
        }
        this.lo.set(name, a);
        this.hi.set(name, b);
      }
    }
    this.count += n;
  }

  /** Writes MODEL_DIR/int8.json with the ranges so far; `source` says what the windows were. Returns its path. */
  async write(modelDir: string, source: string): Promise<string> {
    if (this.count === 0) throw new Error(`${modelDir}: no windows to calibrate int8 ranges on`);
    const r = (name: string): [number, number] => [this.lo.get(name) as number, this.hi.get(name) as number];
    return writeInt8Calibration(modelDir, {
      schema: "timbrescope-int8",
      schemaVersion: 1,
      weightsSha256: this.sha256,
      method: `min and max of each tensor over every 1 s window of ${source}`,
      windows: this.count,
      createdAt: new Date().toISOString(),
      layers: Object.fromEntries(this.convs.map(([layer, t]) => [layer, { input: r(t.input), output: r(t.output) }])),
    });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
