/**
 * Converts a trained tfjs layers network into an ONNX graph for onnxruntime (inference only).
 *
 * Supported: linear chains of InputLayer, Rescaling, Conv2D (stride 1, 'same' or 'valid', odd
 * kernels), TimbrescopeBatchNorm (inference statistics), ELU, MaxPooling2D ('valid'), Flatten,
 * Dense, Dropout / TimbrescopeSeededDropout (identity at inference) — i.e. the CNN and the MLP.
 * Anything else (the CRNN's GRU, Permute, Reshape) throws {@link UnsupportedNetworkError} and the
 * caller keeps the tfjs network.
 *
 * tfjs works channels-last (NHWC); ONNX's Conv and MaxPool are channels-first (NCHW). The graph
 * takes the same NHWC input as the tfjs model, transposes once before the first convolution and
 * back before Flatten, so the flattened feature order — and therefore the Dense weights — are
 * exactly tfjs's.
 */
import type * as tf from "@tensorflow/tfjs";
import type { LayerSpec, NetworkSpec, WeightValue } from "./network-spec.js";
import { networkFromLayersModel, UnsupportedNetworkError } from "./network-spec.js";
import type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxNode } from "./proto.js";
import { ATTR } from "./proto.js";
import { fakeQuantize, quantizedConv } from "./quantize.js";
import type { ConvRanges, FloatConv, QParams } from "./quantize.js";

export { UnsupportedNetworkError };

/** Name of the graph input (NHWC mel windows) and output (sigmoid scores). */
export const ONNX_INPUT = "mel";
export const ONNX_OUTPUT = "scores";

type Layout = "nhwc" | "nchw" | "flat";

interface Builder {
  readonly nodes: OnnxNode[];
  readonly inits: OnnxInitializer[];
  x: string;
  layout: Layout;
  next: number;
  /** Convolutions to run in int8, by layer name, with their calibrated ranges. */
  readonly int8: Readonly<Record<string, ConvRanges>>;
  /** The quantisation of the int8 convolution output that `x` is, until another op follows. */
  lastQ: QParams | undefined;
  /** Each convolution's input and (batch-normalised) output tensor, for calibration. */
  readonly taps: Map<string, { input: string; output: string }>;
}

const ints = (name: string, v: readonly number[]): OnnxAttribute => ({ name, type: ATTR.INTS, ints: v });

function op(b: Builder, opType: string, extraInputs: readonly string[], attribute: OnnxAttribute[] = []): void {
  const out = `t${b.next++}_${opType.toLowerCase()}`;
  b.nodes.push({ opType, input: [b.x, ...extraInputs], output: [out], name: out, attribute });
  b.x = out;
}

function constant(b: Builder, name: string, dims: readonly number[], values: Float32Array): string {
  const full = `${name}_${b.next++}`;
  b.inits.push({ name: full, dims, values });
  return full;
}

function toLayout(b: Builder, want: "nhwc" | "nchw"): void {
  if (b.layout === want || b.layout === "flat") return;
  op(b, "Transpose", [], [ints("perm", want === "nchw" ? [0, 3, 1, 2] : [0, 2, 3, 1])]);
  b.layout = want;
}

function activation(b: Builder, name: unknown, where: string): void {
  switch (name ?? "linear") {
    case "linear":
      return;
    case "relu":
      return op(b, "Relu", []);
    case "sigmoid":
      return op(b, "Sigmoid", []);
    case "tanh":
      return op(b, "Tanh", []);
    case "elu":
      return elu(b, 1);
    default:
      throw new UnsupportedNetworkError(`${where}: activation ${String(name)}`);
  }
}

/**
 * ELU. ONNX Runtime's Elu kernel costs about 2 ns per value here, a fifth of the whole network's
 * time (int8); with alpha 1 (the only value tfjs's ELU layer supports) the same function is
 * Max(x, Exp(Min(x, 0)) - 1) (for x < 0, e^x - 1 >= x; for x >= 0 the second term is 0): four
 * vectorised passes that take a third of that time, outputs within 1e-7. Another alpha (a
 * hand-edited model.json) keeps the Elu node.
 */
function elu(b: Builder, alpha: number): void {
  if (alpha !== 1) return op(b, "Elu", [], [{ name: "alpha", type: ATTR.FLOAT, f: alpha }]);
  const x = b.x;
  op(b, "Min", [constant(b, "zero", [], new Float32Array([0]))]);
  op(b, "Exp", []);
  op(b, "Sub", [constant(b, "one", [], new Float32Array([1]))]);
  op(b, "Max", [x]);
}

function need(layer: LayerSpec, key: string, where: string): WeightValue {
  const w = layer.weights.get(key);
  if (w === undefined) throw new UnsupportedNetworkError(`${where}: no ${key} weight`);
  return w;
}

/** [kh, kw, in, out] (tfjs) -> [out, in, kh, kw] (ONNX). */
function convKernel(shape: readonly number[], v: Float32Array): Float32Array {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = new Float32Array(v.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = v[((y * kw + x) * cin + i) * cout + o] as number;
        }
  return out;
}

/** A Conv2D layer's parameters in ONNX layout, with the batch norm `bn` folded in later if given. */
function floatConv(layer: LayerSpec, bn: LayerSpec | undefined): FloatConv {
  const cfg = layer.config;
  const where = `${layer.name} (${layer.className})`;
  const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);
  const [kh, kw] = pair(cfg.kernelSize);
  const strides = pair(cfg.strides ?? 1),
    dil = pair(cfg.dilationRate ?? 1);
  if (strides.some((s) => s !== 1) || dil.some((d) => d !== 1) || kh % 2 === 0 || kw % 2 === 0) {
    throw new UnsupportedNetworkError(`${where}: only stride 1, dilation 1 and odd kernels are converted`);
  }
  const pads = cfg.padding === "same" ? [kh >> 1, kw >> 1, kh >> 1, kw >> 1] : [0, 0, 0, 0];
  const k = need(layer, "kernel", where);
  const bnWhere = `${bn?.name ?? ""} (TimbrescopeBatchNorm)`;
  return {
    name: layer.name,
    dims: [k.shape[3] ?? 0, k.shape[2] ?? 0, kh, kw],
    weights: convKernel(k.shape, k.values),
    bias: layer.weights.get("bias")?.values,
    attributes: [ints("kernel_shape", [kh, kw]), ints("pads", pads)],
    ...(bn === undefined
      ? {}
      : {
          batchNorm: {
            gamma: need(bn, "gamma", bnWhere).values,
            beta: need(bn, "beta", bnWhere).values,
            mean: need(bn, "moving_mean", bnWhere).values,
            variance: need(bn, "moving_variance", bnWhere).values,
            epsilon: Number(bn.config.epsilon ?? 1e-3),
          },
        }),
  };
}

/** Appends an int8 convolution (with the batch norm `bn` after it folded in); see quantize.ts. */
function addQuantizedConv(b: Builder, layer: LayerSpec, bn: LayerSpec | undefined, ranges: ConvRanges): void {
  if ((layer.config.activation ?? "linear") !== "linear") {
    throw new UnsupportedNetworkError(`${layer.name}: int8 convolutions need a separate activation layer`);
  }
  toLayout(b, "nchw");
  const { y, q } = quantizedConv(b, b.x, floatConv(layer, bn), ranges);
  b.x = y;
  b.lastQ = q;
}

function addLayer(b: Builder, layer: LayerSpec): void {
  const cls = layer.className;
  const cfg = layer.config;
  const where = `${layer.name} (${cls})`;
  const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);
  switch (cls) {
    case "InputLayer":
    case "Dropout":
    case "TimbrescopeSeededDropout":
      return;
    case "Rescaling": {
      const scale = Number(cfg.scale ?? 1),
        offset = Number(cfg.offset ?? 0);
      op(b, "Mul", [constant(b, "scale", [], Float32Array.of(scale))]);
      if (offset !== 0) op(b, "Add", [constant(b, "offset", [], Float32Array.of(offset))]);
      return;
    }
    case "Conv2D": {
      const c = floatConv(layer, undefined);
      toLayout(b, "nchw");
      const inputs = [constant(b, `${layer.name}_w`, c.dims, c.weights)];
      if (c.bias !== undefined) inputs.push(constant(b, `${layer.name}_b`, [c.dims[0]], c.bias));
      op(b, "Conv", inputs, [...c.attributes]);
      return activation(b, cfg.activation, where);
    }
    case "TimbrescopeBatchNorm": {
      if (b.layout === "flat") throw new UnsupportedNetworkError(`${where}: batch norm after Flatten`);
      toLayout(b, "nchw");
      const names = ["gamma", "beta", "moving_mean", "moving_variance"].map((n) => {
        const w = need(layer, n, where);
        return constant(b, `${layer.name}_${n}`, w.shape, w.values);
      });
      op(b, "BatchNormalization", names, [{ name: "epsilon", type: ATTR.FLOAT, f: Number(cfg.epsilon ?? 1e-3) }]);
      return;
    }
    case "ELU":
      return elu(b, Number(cfg.alpha ?? 1));
    case "MaxPooling2D": {
      if (cfg.padding !== "valid") throw new UnsupportedNetworkError(`${where}: only 'valid' pooling is converted`);
      const pool = pair(cfg.poolSize),
        strides = pair(cfg.strides ?? cfg.poolSize);
      toLayout(b, "nchw");
      op(b, "MaxPool", [], [ints("kernel_shape", pool), ints("strides", strides)]);
      return;
    }
    case "Flatten":
      toLayout(b, "nhwc");
      op(b, "Flatten", [], [{ name: "axis", type: ATTR.INT, i: 1 }]);
      b.layout = "flat";
      return;
    case "Dense": {
      if (b.layout !== "flat") throw new UnsupportedNetworkError(`${where}: Dense on a ${b.layout} tensor`);
      const k = need(layer, "kernel", where);
      const bias = layer.weights.get("bias");
      const inputs = [constant(b, `${layer.name}_w`, k.shape, k.values)];
      if (bias !== undefined) inputs.push(constant(b, `${layer.name}_b`, bias.shape, bias.values));
      op(b, "Gemm", inputs);
      return activation(b, cfg.activation, where);
    }
    default:
      throw new UnsupportedNetworkError(`${where}: layer type not converted`);
  }
}

/** An ELU layer (alpha >= 0: non-decreasing) read only by the 'valid' max-pool after it. */
function poolsFirst(layer: LayerSpec, next: LayerSpec | undefined): next is LayerSpec {
  return (
    layer.className === "ELU" &&
    Number(layer.config.alpha ?? 1) >= 0 &&
    next?.className === "MaxPooling2D" &&
    next.config.padding === "valid" &&
    next.inbound.length === 1 &&
    next.inbound[0] === layer.name
  );
}

/** The first layer `int8` names that is not a convolution of `net`, or undefined. */
export function unknownInt8Layer(net: NetworkSpec, int8: Readonly<Record<string, ConvRanges>>): string | undefined {
  return Object.keys(int8).find((name) => !net.layers.some((l) => l.name === name && l.className === "Conv2D"));
}

/**
 * The ONNX graph of a network (input "mel" [N, bands, frames, 1], output "scores" [N, outputs]).
 * @throws UnsupportedNetworkError for networks outside the supported set
 */
export function networkToOnnx(net: NetworkSpec, int8: Readonly<Record<string, ConvRanges>> = {}): OnnxGraph {
  return buildGraph(net, int8).graph;
}

/**
 * The float graph and, for each convolution, the names of its input and batch-normalised output
 * tensors (calibration runs the graph with these as extra outputs).
 */
export function networkTaps(net: NetworkSpec): { graph: OnnxGraph; taps: ReadonlyMap<string, { input: string; output: string }> } {
  return buildGraph(net, {});
}

function buildGraph(net: NetworkSpec, int8: Readonly<Record<string, ConvRanges>>): { graph: OnnxGraph; taps: Builder["taps"] } {
  const b: Builder = { nodes: [], inits: [], x: ONNX_INPUT, layout: "nhwc", next: 0, int8, lastQ: undefined, taps: new Map() };
  const unknown = unknownInt8Layer(net, int8);
  if (unknown !== undefined)
    throw new UnsupportedNetworkError(`int8 calibration names ${unknown}, which is not a convolution of this network`);
  let prev: string | undefined;
  for (let i = 0; i < net.layers.length; i++) {
    const layer = net.layers[i] as LayerSpec;
    // A chain: every layer but the input reads exactly the previous one.
    if (prev !== undefined && (layer.inbound.length !== 1 || layer.inbound[0] !== prev)) {
      throw new UnsupportedNetworkError(`${layer.name}: the network is not a simple chain of layers`);
    }
    const next = net.layers[i + 1];
    const ranges = layer.className === "Conv2D" ? int8[layer.name] : undefined;
    if (ranges !== undefined) {
      const bn = next?.className === "TimbrescopeBatchNorm" && next.inbound[0] === layer.name ? next : undefined;
      addQuantizedConv(b, layer, bn, ranges);
      prev = (bn ?? layer).name;
      i += bn === undefined ? 0 : 1;
      continue;
    }
    if (poolsFirst(layer, next)) {
      // ELU then max-pool == max-pool then ELU (ELU is non-decreasing, so the largest input
      // gives the largest output): the ELU then runs on a quarter or a ninth of the values. It
      // was 30 % of the CNN's time on ONNX Runtime before the swap (its exp is scalar).
      const q = b.lastQ;
      addLayer(b, next);
      // Pooling uint8 values is exact: ONNX Runtime pools the int8 convolution's output as uint8.
      if (q !== undefined) b.x = fakeQuantize(b, b.x, q);
      b.lastQ = undefined;
      addLayer(b, layer);
      prev = next.name;
      i++;
      continue;
    }
    b.lastQ = undefined;
    const input = b.x;
    addLayer(b, layer);
    if (layer.className === "Conv2D") b.taps.set(layer.name, { input, output: b.x });
    const tapped = b.taps.get(layer.inbound[0] ?? "");
    if (layer.className === "TimbrescopeBatchNorm" && tapped !== undefined) tapped.output = b.x;
    prev = layer.name;
  }
  if (b.layout !== "flat") throw new UnsupportedNetworkError(`${net.name}: the output is not a flat score vector`);
  // Name the final tensor "scores".
  b.nodes.push({ opType: "Identity", input: [b.x], output: [ONNX_OUTPUT], name: ONNX_OUTPUT });
  const graph: OnnxGraph = {
    name: net.name,
    nodes: b.nodes,
    initializers: b.inits,
    inputs: [{ name: ONNX_INPUT, shape: ["N", ...net.inputShape] }],
    outputs: [{ name: ONNX_OUTPUT, shape: ["N", net.nOut] }],
  };
  return { graph, taps: b.taps };
}

/** The ONNX graph of an in-memory tfjs network (bench, tests). */
export function layersModelToOnnx(model: tf.LayersModel): OnnxGraph {
  return networkToOnnx(networkFromLayersModel(model));
}
