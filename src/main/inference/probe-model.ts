// A tiny ONNX model, encoded by hand so the execution-provider probe needs no
// model file on disk and no protobuf dependency. Field numbers follow
// https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.

// ---------------------------------------------------------------------------
// Minimal protobuf writer

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** Base-128 varint of a non-negative safe integer (no negatives: the probe never needs them). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`encodeVarint: expected a non-negative safe integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  // Arithmetic rather than bit ops: `>>>` would truncate values above 2^32.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function tag(field: number, wireType: number): Uint8Array {
  return encodeVarint(field * 8 + wireType);
}

function varintField(field: number, value: number): Uint8Array {
  return concat([tag(field, WIRE_VARINT), encodeVarint(value)]);
}

function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concat([tag(field, WIRE_LEN), encodeVarint(bytes.length), bytes]);
}

function stringField(field: number, text: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(text));
}

/** Packed repeated int64 (proto3 default for repeated scalars). */
function packedVarintField(field: number, values: readonly number[]): Uint8Array {
  return bytesField(field, concat(values.map(encodeVarint)));
}

// ---------------------------------------------------------------------------
// ONNX messages (only the fields the probe uses)

const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT

function float32LittleEndian(values: readonly number[]): Uint8Array {
  // DataView pins byte order: raw_data is little-endian regardless of host.
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

function tensorProto(name: string, dims: readonly number[], values: readonly number[]): Uint8Array {
  return concat([
    packedVarintField(1, dims), // TensorProto.dims
    varintField(2, TENSOR_FLOAT), // TensorProto.data_type
    stringField(8, name), // TensorProto.name
    bytesField(9, float32LittleEndian(values)), // TensorProto.raw_data
  ]);
}

function valueInfoProto(name: string, dims: readonly number[]): Uint8Array {
  const dimensions = dims.map(
    (d) => bytesField(1, varintField(1, d)), // TensorShapeProto.dim -> Dimension.dim_value
  );
  const tensorType = concat([
    varintField(1, TENSOR_FLOAT), // TypeProto.Tensor.elem_type
    bytesField(2, concat(dimensions)), // TypeProto.Tensor.shape
  ]);
  return concat([
    stringField(1, name), // ValueInfoProto.name
    bytesField(2, bytesField(1, tensorType)), // ValueInfoProto.type -> TypeProto.tensor_type
  ]);
}

function nodeProto(opType: string, name: string, inputs: readonly string[], outputs: readonly string[]): Uint8Array {
  return concat([
    ...inputs.map((i) => stringField(1, i)), // NodeProto.input
    ...outputs.map((o) => stringField(2, o)), // NodeProto.output
    stringField(3, name), // NodeProto.name
    stringField(4, opType), // NodeProto.op_type
  ]);
}

// ---------------------------------------------------------------------------
// The probe: y = x · W + b

export const PROBE_INPUT_NAME = 'x';
export const PROBE_OUTPUT_NAME = 'y';
export const PROBE_INPUT_DIMS: readonly [1, 4] = [1, 4];
export const PROBE_OUTPUT_DIMS: readonly [1, 3] = [1, 3];

// Values are small dyadic fractions so float32 arithmetic is exact on every provider.
/** W, shape [4, 3], row-major. */
export const PROBE_WEIGHTS: readonly number[] = [
  0.5, -1.0, 0.25,
  1.5, 0.0, -0.5,
  -2.0, 0.75, 1.0,
  0.125, 2.0, -0.25,
];
/** b, shape [3]. */
export const PROBE_BIAS: readonly number[] = [0.5, -0.25, 1.0];
/** The fixed input fed by the probe, shape [1, 4]. */
export const PROBE_INPUT: readonly number[] = [1.0, 2.0, -1.0, 0.5];

function matVecPlusBias(x: readonly number[], w: readonly number[], b: readonly number[]): number[] {
  const rows = x.length;
  const cols = b.length;
  const y: number[] = [];
  for (let j = 0; j < cols; j++) {
    let acc = b[j] ?? 0;
    for (let i = 0; i < rows; i++) acc += (x[i] ?? 0) * (w[i * cols + j] ?? 0);
    y.push(acc);
  }
  return y;
}

/** Expected `y` for PROBE_INPUT, computed independently of onnxruntime. */
export const PROBE_EXPECTED_OUTPUT: readonly number[] = Object.freeze(
  matVecPlusBias(PROBE_INPUT, PROBE_WEIGHTS, PROBE_BIAS),
);

export function buildProbeModel(): Uint8Array {
  const graph = concat([
    bytesField(1, nodeProto('MatMul', 'probe_matmul', [PROBE_INPUT_NAME, 'W'], ['xw'])), // GraphProto.node
    bytesField(1, nodeProto('Add', 'probe_add', ['xw', 'B'], [PROBE_OUTPUT_NAME])), // GraphProto.node
    stringField(2, 'mechanica_probe'), // GraphProto.name
    bytesField(5, tensorProto('W', [4, 3], PROBE_WEIGHTS)), // GraphProto.initializer
    bytesField(5, tensorProto('B', [3], PROBE_BIAS)), // GraphProto.initializer
    bytesField(11, valueInfoProto(PROBE_INPUT_NAME, PROBE_INPUT_DIMS)), // GraphProto.input
    bytesField(12, valueInfoProto(PROBE_OUTPUT_NAME, PROBE_OUTPUT_DIMS)), // GraphProto.output
  ]);
  const opsetImport = concat([
    stringField(1, ''), // OperatorSetIdProto.domain ("" = ai.onnx)
    varintField(2, 17), // OperatorSetIdProto.version
  ]);
  return concat([
    varintField(1, 8), // ModelProto.ir_version
    stringField(2, 'mechanica-probe'), // ModelProto.producer_name
    bytesField(7, graph), // ModelProto.graph
    bytesField(8, opsetImport), // ModelProto.opset_import
  ]);
}
