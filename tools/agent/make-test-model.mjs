#!/usr/bin/env node
/**
 * Writes a tiny llama-architecture GGUF model with seeded random weights, so that tests and the
 * bench run node-llama-cpp end to end without downloading anything. The model knows nothing; with
 * a JSON-schema grammar it still produces a valid agent reply, which is all a runtime test needs.
 *
 *   node tools/agent/make-test-model.mjs --out FILE [--seed N] [--f16]
 *
 * Same seed ⇒ same bytes. Format: GGUF v3 (ggml docs/gguf.md); the metadata keys and tensor names
 * are the ones llama.cpp's loader reads for LLM_ARCH_LLAMA (src/models/llama.cpp,
 * llama-model.cpp load_hparams, llama-vocab.cpp load for tokenizer model "llama").
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'

/** The model's shape: small enough to load in milliseconds, big enough to exercise every kernel. */
export const TEST_MODEL_SHAPE = Object.freeze({
  embedding: 64,
  layers: 2,
  heads: 4,
  feedForward: 128,
  contextLength: 2048
})

const GGUF = Object.freeze({ UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 })
const GGML_TYPE = Object.freeze({ F32: 0, F16: 1 })
/** llama_ftype: what general.file_type says about the tensors. */
const FILE_TYPE = Object.freeze({ ALL_F32: 0, MOSTLY_F16: 1 })
const ALIGNMENT = 32
// llama_token_type as stored in tokenizer.ggml.token_type
const TOKEN_TYPE = Object.freeze({ NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 })

/**
 * <unk>, <s>, </s>, one byte-fallback token per byte (llama-2's SentencePiece layout), then "▁":
 * SentencePiece writes a space as U+2581, and only a normal token turns it back into a space.
 */
function vocabulary() {
  const tokens = ['<unk>', '<s>', '</s>']
  const types = [TOKEN_TYPE.UNKNOWN, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL]
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)
    types.push(TOKEN_TYPE.BYTE)
  }
  tokens.push('\u2581')
  types.push(TOKEN_TYPE.NORMAL)
  return { tokens, types, scores: tokens.map(() => 0) }
}

/** xorshift128+ seeded through splitmix64: the same stream on every platform. */
function seededNormals(seed) {
  const mask = (1n << 64n) - 1n
  let sm = BigInt.asUintN(64, BigInt(seed))
  const splitmix = () => {
    sm = (sm + 0x9e3779b97f4a7c15n) & mask
    let z = sm
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask
    return z ^ (z >> 31n)
  }
  // Two 32-bit halves per state word keep the hot loop in Number arithmetic.
  const s = new Uint32Array(4)
  const a = splitmix()
  const b = splitmix()
  s[0] = Number(a & 0xffffffffn)
  s[1] = Number(a >> 32n)
  s[2] = Number(b & 0xffffffffn)
  s[3] = Number(b >> 32n)
  // xorshift128 (Marsaglia) on 32-bit words
  const next = () => {
    let t = s[3]
    const x = s[0]
    s[3] = s[2]
    s[2] = s[1]
    s[1] = x
    t ^= t << 11
    t ^= t >>> 8
    s[0] = (t ^ x ^ (x >>> 19)) >>> 0
    return s[0]
  }
  const uniform = () => (next() + 0.5) / 4294967296
  // Box-Muller, one value per pair of uniforms (simple and exact enough for random weights)
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** The llama tensors in llama.cpp's names; dims in ggml order (ne0 first, the contiguous one). */
function tensorPlan(nVocab) {
  const { embedding: e, layers, feedForward: ff } = TEST_MODEL_SHAPE
  const plan = [
    { name: 'token_embd.weight', dims: [e, nVocab], scale: 1 },
    { name: 'output_norm.weight', dims: [e], ones: true },
    { name: 'output.weight', dims: [e, nVocab], scale: 1 / Math.sqrt(e) }
  ]
  for (let i = 0; i < layers; i++) {
    plan.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [e], ones: true },
      { name: `blk.${i}.attn_q.weight`, dims: [e, e], scale: 1 / Math.sqrt(e) },
      { name: `blk.${i}.attn_k.weight`, dims: [e, e], scale: 1 / Math.sqrt(e) },
      { name: `blk.${i}.attn_v.weight`, dims: [e, e], scale: 1 / Math.sqrt(e) },
      { name: `blk.${i}.attn_output.weight`, dims: [e, e], scale: 1 / Math.sqrt(e) },
      { name: `blk.${i}.ffn_norm.weight`, dims: [e], ones: true },
      { name: `blk.${i}.ffn_gate.weight`, dims: [e, ff], scale: 1 / Math.sqrt(e) },
      { name: `blk.${i}.ffn_down.weight`, dims: [ff, e], scale: 1 / Math.sqrt(ff) },
      { name: `blk.${i}.ffn_up.weight`, dims: [e, ff], scale: 1 / Math.sqrt(e) }
    )
  }
  return plan
}

/**
 * Random weights would pick any byte, mostly invalid UTF-8 halves. One constant direction makes
 * replies legible: every input embedding carries +4 on dimension 0, which survives the residual
 * stream, and the output head turns it into +1 for letters and space and -1 for every other token.
 * Returns undefined where the weight stays random.
 */
function legibility(tensor, dim, token, tokens) {
  if (dim !== 0) return undefined
  if (tensor === 'token_embd.weight') return 4
  if (tensor !== 'output.weight') return undefined
  const m = /^<0x([0-9A-F]{2})>$/.exec(tokens[token])
  const byte = m ? parseInt(m[1], 16) : -1
  const legible = tokens[token] === '\u2581' || byte === 0x20 || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a)
  return legible ? 1 : -1
}

/** Little-endian byte writer that grows as needed. */
class Writer {
  constructor() {
    this.buf = Buffer.alloc(1 << 16)
    this.len = 0
  }
  ensure(n) {
    if (this.len + n <= this.buf.length) return
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n))
    this.buf.copy(next, 0, 0, this.len)
    this.buf = next
  }
  u32(v) { this.ensure(4); this.buf.writeUInt32LE(v, this.len); this.len += 4 }
  i32(v) { this.ensure(4); this.buf.writeInt32LE(v, this.len); this.len += 4 }
  u64(v) { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.len); this.len += 8 }
  f32(v) { this.ensure(4); this.buf.writeFloatLE(v, this.len); this.len += 4 }
  u8(v) { this.ensure(1); this.buf.writeUInt8(v, this.len); this.len += 1 }
  bytes(b) { this.ensure(b.length); b.copy(this.buf, this.len); this.len += b.length }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.bytes(b) }
  pad(alignment) { while (this.len % alignment !== 0) this.u8(0) }
  result() { return this.buf.subarray(0, this.len) }
}

function writeValue(w, type, value) {
  switch (type) {
    case GGUF.UINT32: return w.u32(value)
    case GGUF.INT32: return w.i32(value)
    case GGUF.FLOAT32: return w.f32(value)
    case GGUF.BOOL: return w.u8(value ? 1 : 0)
    case GGUF.STRING: return w.str(value)
    default: throw new Error(`unsupported GGUF value type ${type}`)
  }
}

function writeKv(w, key, type, value, elementType) {
  w.str(key)
  w.u32(type)
  if (type !== GGUF.ARRAY) return writeValue(w, type, value)
  w.u32(elementType)
  w.u64(value.length)
  for (const v of value) writeValue(w, elementType, v)
}

/** Builds the whole file in memory: header, metadata, tensor infos, aligned tensor data. */
export function buildTestModel({ seed = 1, f16 = false } = {}) {
  const { embedding, layers, heads, feedForward, contextLength } = TEST_MODEL_SHAPE
  const vocab = vocabulary()
  const plan = tensorPlan(vocab.tokens.length)
  const dtype = f16 ? GGML_TYPE.F16 : GGML_TYPE.F32
  const normal = seededNormals(seed)

  // Norm weights stay F32 even in an F16 file, as llama.cpp's converter writes them.
  const tensors = plan.map((t) => {
    const count = t.dims.reduce((a, b) => a * b, 1)
    const type = t.ones || !f16 ? GGML_TYPE.F32 : dtype
    const data = Buffer.alloc(count * (type === GGML_TYPE.F32 ? 4 : 2))
    for (let i = 0; i < count; i++) {
      const v = t.ones ? 1 : legibility(t.name, i % embedding, Math.floor(i / embedding), vocab.tokens) ?? normal() * t.scale
      if (type === GGML_TYPE.F32) data.writeFloatLE(v, i * 4)
      else data.writeUInt16LE(toHalf(v), i * 2)
    }
    return { ...t, type, data }
  })

  const kv = [
    ['general.architecture', GGUF.STRING, 'llama'],
    ['general.name', GGUF.STRING, `mechanica-test-model-seed-${seed}`],
    ['general.file_type', GGUF.UINT32, f16 ? FILE_TYPE.MOSTLY_F16 : FILE_TYPE.ALL_F32],
    ['general.alignment', GGUF.UINT32, ALIGNMENT],
    ['llama.context_length', GGUF.UINT32, contextLength],
    ['llama.embedding_length', GGUF.UINT32, embedding],
    ['llama.block_count', GGUF.UINT32, layers],
    ['llama.feed_forward_length', GGUF.UINT32, feedForward],
    ['llama.attention.head_count', GGUF.UINT32, heads],
    ['llama.attention.head_count_kv', GGUF.UINT32, heads],
    ['llama.rope.dimension_count', GGUF.UINT32, embedding / heads],
    ['llama.attention.layer_norm_rms_epsilon', GGUF.FLOAT32, 1e-5],
    ['llama.vocab_size', GGUF.UINT32, vocab.tokens.length],
    ['tokenizer.ggml.model', GGUF.STRING, 'llama'],
    ['tokenizer.ggml.tokens', GGUF.ARRAY, vocab.tokens, GGUF.STRING],
    ['tokenizer.ggml.scores', GGUF.ARRAY, vocab.scores, GGUF.FLOAT32],
    ['tokenizer.ggml.token_type', GGUF.ARRAY, vocab.types, GGUF.INT32],
    ['tokenizer.ggml.bos_token_id', GGUF.UINT32, 1],
    ['tokenizer.ggml.eos_token_id', GGUF.UINT32, 2],
    ['tokenizer.ggml.unknown_token_id', GGUF.UINT32, 0],
    ['tokenizer.ggml.add_bos_token', GGUF.BOOL, true],
    ['tokenizer.ggml.add_eos_token', GGUF.BOOL, false],
    // No SentencePiece "▁" prefix: with bytes only, text then round-trips through the tokenizer.
    ['tokenizer.ggml.add_space_prefix', GGUF.BOOL, false]
  ]

  const w = new Writer()
  w.bytes(Buffer.from('GGUF', 'ascii'))
  w.u32(3)
  w.u64(tensors.length)
  w.u64(kv.length)
  for (const [key, type, value, elementType] of kv) writeKv(w, key, type, value, elementType)

  let offset = 0
  for (const t of tensors) {
    w.str(t.name)
    w.u32(t.dims.length)
    for (const d of t.dims) w.u64(d)
    w.u32(t.type)
    w.u64(offset)
    offset += Math.ceil(t.data.length / ALIGNMENT) * ALIGNMENT
  }
  w.pad(ALIGNMENT)
  for (const t of tensors) {
    w.bytes(t.data)
    w.pad(ALIGNMENT)
  }
  return Buffer.from(w.result())
}

/** IEEE 754 binary16, round-to-nearest-even; the weights are small so no overflow handling beyond Inf. */
function toHalf(value) {
  const f32 = new Float32Array(1)
  const u32 = new Uint32Array(f32.buffer)
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = ((x >>> 23) & 0xff) - 127 + 15
  let mant = x & 0x7fffff
  if (exp <= 0) {
    if (exp < -10) return sign
    mant |= 0x800000
    const shift = 14 - exp
    const half = mant >>> shift
    const rest = mant & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0))
  }
  if (exp >= 31) return sign | 0x7c00
  const half = (exp << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0))
}

function parseArgs(argv) {
  const args = { seed: 1, f16: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--out') args.out = argv[++i]
    else if (a === '--seed') args.seed = Number(argv[++i])
    else if (a === '--f16') args.f16 = true
    else throw new Error(`unknown argument ${a} (expected --out FILE [--seed N] [--f16])`)
  }
  if (!args.out) throw new Error('--out FILE is required')
  if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new Error(`--seed must be a non-negative integer (got ${args.seed})`)
  return args
}

// Run as a script only: the bench bundles this module, and its argv is the bench's.
if (process.argv[1] && basename(process.argv[1]) === 'make-test-model.mjs') {
  try {
    const args = parseArgs(process.argv.slice(2))
    const bytes = buildTestModel(args)
    mkdirSync(dirname(resolve(args.out)), { recursive: true })
    writeFileSync(args.out, bytes)
    process.stdout.write(`${args.out}: ${bytes.length} bytes, seed ${args.seed}, ${args.f16 ? 'F16' : 'F32'}\n`)
  } catch (error) {
    process.stderr.write(`make-test-model: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(2)
  }
}
