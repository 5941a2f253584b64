/**
 * The part of the ONNX protobuf schema (onnx/onnx.proto, IR version 8) that timbrescope writes:
 * a model with one graph of nodes, float32 initialisers and typed inputs/outputs. Field numbers
 * are ONNX's; encoding is protobufjs's (reflection, no generated code, no .proto file at run time).
 */
import protobuf from "protobufjs";

/** ONNX TensorProto.DataType FLOAT. */
export const ONNX_FLOAT = 1;
/** ONNX TensorProto.DataType values of initialisers (quantised graphs use UINT8, INT8 and INT32). */
export const ONNX_TYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6 } as const;
/** ONNX AttributeProto.AttributeType values used here. */
export const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export interface OnnxAttribute {
  readonly name: string;
  readonly type: (typeof ATTR)[keyof typeof ATTR];
  readonly f?: number;
  readonly i?: number;
  readonly ints?: readonly number[];
}
export interface OnnxNode {
  readonly opType: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name: string;
  readonly attribute?: readonly OnnxAttribute[];
}
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  /** Float32Array for FLOAT (the default); Uint8Array, Int8Array or Int32Array with `dataType`. */
  readonly values: Float32Array | Uint8Array | Int8Array | Int32Array;
  readonly dataType?: (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE];
}
/** A graph input or output: float32 with fixed or named (symbolic) dimensions. */
export interface OnnxValue {
  readonly name: string;
  readonly shape: readonly (number | string)[];
}
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
        Dimension: {
          oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
          fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
        },
        TensorShapeProto: { fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } } },
        TensorType: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
        TypeProto: { fields: { tensorType: { type: "TensorType", id: 1 } } },
        ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } } },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            type: { type: "int32", id: 20 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
          },
        },
      },
    },
  },
};

/** ONNX IR version and default-domain opset written. */
export const IR_VERSION = 8;
export const OPSET = 17;

let modelType: protobuf.Type | undefined;

function valueInfo(v: OnnxValue): object {
  const dim = v.shape.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d }));
  return { name: v.name, type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim } } } };
}

/** Serialises `graph` as an ONNX ModelProto (the bytes onnxruntime's InferenceSession.create takes). */
export function encodeOnnxModel(graph: OnnxGraph, producer = "timbrescope"): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType("onnx.ModelProto");
  const model = {
    irVersion: IR_VERSION,
    producerName: producer,
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        ...n,
        input: [...n.input],
        output: [...n.output],
        attribute: (n.attribute ?? []).map((a) => ({ ...a, ints: a.ints === undefined ? [] : [...a.ints] })),
      })),
      initializer: graph.initializers.map((t) => ({
        name: t.name,
        dims: [...t.dims],
        dataType: t.dataType ?? ONNX_FLOAT,
        rawData: new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength),
      })),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  return modelType.encode(modelType.fromObject(model)).finish();
}
