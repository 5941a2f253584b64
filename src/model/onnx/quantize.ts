/**
 * Int8 convolutions for ONNX Runtime, in the QDQ form its graph optimiser fuses into
 * QLinearConv (MLAS's u8s8 kernels; AVX-512 VNNI where the CPU has it):
 *
 *   x → QuantizeLinear → DequantizeLinear ─┐
 *   int8 W (per output channel) → DequantizeLinear ─┼→ Conv → QuantizeLinear → DequantizeLinear → y
 *   int32 bias (scale s_x·s_w) → DequantizeLinear ─┘
 *
 * The batch norm after the convolution is folded into W and the bias first (it is affine per
 * channel at inference). Activations are uint8 with a zero point, their ranges fixed by
 * calibration (int8.json in the model folder, written by calibrate.ts), so a
 * window's scores never depend on the other windows of its batch: live and offline stay equal.
 *
 * Weights use 7 bits (-63..63, ONNX Runtime's `reduce_range`): x86 CPUs without VNNI multiply
 * u8 x s8 pairs with a saturating 16-bit add, which 8-bit weights can overflow; 7-bit weights
 * cannot, so every x86 machine computes the same integers.
 */
import type { OnnxAttribute, OnnxInitializer, OnnxNode } from "./proto.js";
import { ATTR, ONNX_TYPE } from "./proto.js";

/** Where quantised nodes go (convert.ts's Builder has these fields). */
export interface GraphSink {
  readonly nodes: OnnxNode[];
  readonly inits: OnnxInitializer[];
  next: number;
}

/** Calibrated value range of a tensor, [min, max]. */
export type Range = readonly [number, number];

/** Ranges of one convolution: its input and its (batch-normalised) output. */
export interface ConvRanges {
  readonly input: Range;
  readonly output: Range;
}

/** uint8 quantisation of a tensor: real = scale * (q - zeroPoint). */
export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Largest weight magnitude (7-bit weights, see the file comment). */
export const WEIGHT_QMAX = 63;

/** uint8 parameters covering `range` (widened to hold 0, so zero is exact, as padding needs). */
export function activationParams(range: Range): QParams {
  const lo = Math.min(range[0], 0);
  const hi = Math.max(range[1], 0);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale: Math.fround(scale), zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

function uid(g: GraphSink, stem: string): string {
  return `${stem}_${g.next++}`;
}

/** Appends x → QuantizeLinear → DequantizeLinear with `q`; returns the dequantised tensor. */
export function fakeQuantize(g: GraphSink, x: string, q: QParams): string {
  const s = uid(g, "q_scale");
  const z = uid(g, "q_zero");
  g.inits.push({ name: s, dims: [], values: Float32Array.of(q.scale) });
  g.inits.push({ name: z, dims: [], values: Uint8Array.of(q.zeroPoint), dataType: ONNX_TYPE.UINT8 });
  const qt = uid(g, `${x}_q`);
  const dq = uid(g, `${x}_dq`);
  g.nodes.push({ opType: "QuantizeLinear", input: [x, s, z], output: [qt], name: qt });
  g.nodes.push({ opType: "DequantizeLinear", input: [qt, s, z], output: [dq], name: dq });
  return dq;
}

/** A convolution's float parameters in ONNX layout, with the batch norm that follows it, if any. */
export interface FloatConv {
  readonly name: string;
  /** [out, in, kh, kw] */
  readonly dims: readonly [number, number, number, number];
  readonly weights: Float32Array;
  readonly bias: Float32Array | undefined;
  readonly batchNorm?: {
    readonly gamma: Float32Array;
    readonly beta: Float32Array;
    readonly mean: Float32Array;
    readonly variance: Float32Array;
    readonly epsilon: number;
  };
  readonly attributes: readonly OnnxAttribute[];
}

/** Per-channel scale and shift of the batch norm (identity without one). */
function foldFactors(c: FloatConv, o: number): [number, number] {
  const bn = c.batchNorm;
  const b = c.bias?.[o] ?? 0;
  if (bn === undefined) return [1, b];
  const f = (bn.gamma[o] as number) / Math.sqrt((bn.variance[o] as number) + bn.epsilon);
  return [f, (b - (bn.mean[o] as number)) * f + (bn.beta[o] as number)];
}

/**
 * Appends the int8 convolution of `x` (see the file comment). Returns the dequantised output and
 * its quantisation, which a max-pool right after it keeps (pooling uint8 values is exact).
 */
export function quantizedConv(g: GraphSink, x: string, c: FloatConv, r: ConvRanges): { y: string; q: QParams } {
  const qIn = activationParams(r.input);
  const xq = fakeQuantize(g, x, qIn);
  const [cout] = c.dims;
  const per = c.weights.length / cout;
  const wq = new Int8Array(c.weights.length);
  const ws = new Float32Array(cout);
  const bq = new Int32Array(cout);
  const bs = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const [f, shift] = foldFactors(c, o);
    let max = 0;
    for (let j = 0; j < per; j++) max = Math.max(max, Math.abs((c.weights[o * per + j] as number) * f));
    const scale = Math.fround(max > 0 ? max / WEIGHT_QMAX : 1);
    ws[o] = scale;
    for (let j = 0; j < per; j++) wq[o * per + j] = Math.round(((c.weights[o * per + j] as number) * f) / scale);
    bs[o] = Math.fround(qIn.scale * scale);
    bq[o] = Math.round(shift / (bs[o] as number));
  }
  const axis: OnnxAttribute[] = [{ name: "axis", type: ATTR.INT, i: 0 }];
  const dq = (values: Int8Array | Int32Array, dims: readonly number[], scales: Float32Array, type: number, stem: string): string => {
    const v = uid(g, `${c.name}_${stem}`);
    const s = uid(g, `${c.name}_${stem}_scale`);
    const z = uid(g, `${c.name}_${stem}_zero`);
    const zeros = type === ONNX_TYPE.INT8 ? new Int8Array(cout) : new Int32Array(cout);
    g.inits.push({ name: v, dims, values, dataType: type as typeof ONNX_TYPE.INT8 });
    g.inits.push({ name: s, dims: [cout], values: scales });
    g.inits.push({ name: z, dims: [cout], values: zeros, dataType: type as typeof ONNX_TYPE.INT8 });
    const out = uid(g, `${c.name}_${stem}_dq`);
    g.nodes.push({ opType: "DequantizeLinear", input: [v, s, z], output: [out], name: out, attribute: axis });
    return out;
  };
  const w = dq(wq, c.dims, ws, ONNX_TYPE.INT8, "w");
  const b = dq(bq, [cout], bs, ONNX_TYPE.INT32, "b");
  const y = uid(g, `${c.name}_conv`);
  g.nodes.push({ opType: "Conv", input: [xq, w, b], output: [y], name: y, attribute: [...c.attributes] });
  const q = activationParams(r.output);
  return { y: fakeQuantize(g, y, q), q };
}
