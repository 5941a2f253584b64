/**
 * A network as the ONNX converter reads it: its layers in order, each with its Keras class name,
 * camelCase config, inbound layer names and weights. Built from an in-memory tfjs LayersModel
 * (bench, tests) or straight from `model.json` + weight shards (model folders), the latter
 * without loading TensorFlow.js.
 */
import type * as tf from "@tensorflow/tfjs";

/** The network uses a layer or option the ONNX converter does not translate. */
export class UnsupportedNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedNetworkError";
  }
}

export interface WeightValue {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface LayerSpec {
  readonly className: string;
  readonly name: string;
  /** Layer config with camelCase keys (poolSize, kernelSize, ...). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Names of the layers it reads. */
  readonly inbound: readonly string[];
  /** Weights by short name (kernel, bias, gamma, moving_mean, ...). */
  readonly weights: ReadonlyMap<string, WeightValue>;
}

export interface NetworkSpec {
  readonly name: string;
  /** One window's input shape [bands, frames, channels]. */
  readonly inputShape: readonly [number, number, number];
  /** Number of outputs (classes). */
  readonly nOut: number;
  readonly layers: readonly LayerSpec[];
}

/** The spec of an in-memory tfjs network. */
export function networkFromLayersModel(model: tf.LayersModel): NetworkSpec {
  const inShape = model.inputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || inShape.length !== 4) {
    throw new UnsupportedNetworkError(`${model.name}: expected one [N, bands, frames, 1] input and one output`);
  }
  const layers = model.layers.map((layer): LayerSpec => {
    const values = layer.getWeights();
    const weights = new Map<string, WeightValue>();
    layer.weights.forEach((w, i) => {
      const t = values[i] as tf.Tensor;
      weights.set(w.originalName.split("/").pop() ?? w.originalName, { shape: t.shape, values: Float32Array.from(t.dataSync()) });
    });
    const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes;
    const inbound = nodes.length === 1 ? (nodes[0]?.inboundLayers ?? []).map((l) => l.name) : nodes.length === 0 ? [] : ["(several calls)"];
    return { className: layer.getClassName(), name: layer.name, config: layer.getConfig(), inbound, weights };
  });
  const [, bands, frames, ch] = inShape as [null, number, number, number];
  return { name: model.name, inputShape: [bands, frames, ch], nOut: Number(model.outputs[0]?.shape[1]), layers };
}

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface JsonLayer {
  readonly class_name: string;
  readonly name?: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes?: unknown[];
}

/**
 * The spec of a saved model (model.json's topology and its weights, concatenated in manifest
 * order, as model-files.ts reads them). float32 weights only; anything else is unsupported.
 */
export function networkFromModelJson(json: tf.io.ModelJSON, specs: readonly tf.io.WeightsManifestEntry[], data: Uint8Array): NetworkSpec {
  const topo = json.modelTopology as { config?: { name?: string; layers?: JsonLayer[] } } | null;
  const jsonLayers = topo?.config?.layers;
  if (!Array.isArray(jsonLayers)) throw new UnsupportedNetworkError("model.json: no functional-model layer list");
  const byLayer = new Map<string, Map<string, WeightValue>>();
  let offset = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.dtype !== "float32" || w.quantization !== undefined)
      throw new UnsupportedNetworkError(`${w.name}: ${w.quantization === undefined ? w.dtype : "quantized"} weights`);
    // Copy: shard offsets need not be 4-byte aligned.
    const values = new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + 4 * n));
    offset += 4 * n;
    const cut = w.name.lastIndexOf("/");
    const layer = w.name.slice(0, cut);
    if (!byLayer.has(layer)) byLayer.set(layer, new Map());
    byLayer.get(layer)?.set(w.name.slice(cut + 1), { shape: w.shape, values });
  }
  let inputShape: [number, number, number] | undefined;
  let nOut = 0;
  const layers = jsonLayers.map((l): LayerSpec => {
    const config = Object.fromEntries(Object.entries(l.config).map(([k, v]) => [camel(k), v]));
    const name = String(l.name ?? config.name);
    const nodes = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
    const first = nodes[0];
    const inbound =
      nodes.length === 1 && Array.isArray(first)
        ? first.map((ref) => String((ref as unknown[])[0]))
        : nodes.length === 0
          ? []
          : ["(several calls)"];
    if (l.class_name === "InputLayer") {
      const s = config.batchInputShape as (number | null)[] | undefined;
      if (!Array.isArray(s) || s.length !== 4) throw new UnsupportedNetworkError(`${name}: expected a [N, bands, frames, 1] input`);
      inputShape = [Number(s[1]), Number(s[2]), Number(s[3])];
    }
    if (l.class_name === "Dense") nOut = Number(config.units);
    return { className: l.class_name, name, config, inbound, weights: byLayer.get(name) ?? new Map() };
  });
  if (inputShape === undefined) throw new UnsupportedNetworkError("model.json: no InputLayer");
  return { name: String(topo?.config?.name ?? "model"), inputShape, nOut, layers };
}
