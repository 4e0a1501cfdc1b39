// Parity + timing of the exported CHUNK graph with onnxruntime-node (CPU EP).
// Usage: node tools/regime-model/verify_chunk.mjs <chunk.onnx> <step.onnx> <fixtures.json> [bench.json]
//   - chunk graph on fixtures.chunk.x (zero state) vs PyTorch fixtures.chunk.{p,latent,final_state}
//   - chunk graph vs fixtures.chunk.x.length calls of the step graph (same state carried)
//   - bench.json (optional, { x: [N][F] } normalised features): a full series classified (a) by N step calls,
//     (b) by ceil(N/T) chunk calls with the state carried and the last chunk zero-padded (padded outputs ignored),
//     (c) by floor(N/T) chunk calls + the remaining bars through the step graph (exact final state); max abs diffs
//     of (b), (c) vs (a) and wall-clock ms (median of several runs, including tensor creation).
// Prints one JSON line.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const [chunkPath, stepPath, fixturesPath, benchPath] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const modulesDir = process.env.ORT_NODE_MODULES ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../node_modules')
const ort = require(path.join(modulesDir, 'onnxruntime-node'))

const fx = JSON.parse(readFileSync(fixturesPath, 'utf8'))
const ck = fx.chunk
const opts = { executionProviders: ['cpu'] }
if (process.env.ORT_INTRA_OP_THREADS) opts.intraOpNumThreads = Number(process.env.ORT_INTRA_OP_THREADS)
const chunkSess = await ort.InferenceSession.create(chunkPath, opts)
const stepSess = await ort.InferenceSession.create(stepPath, opts)
const T = ck.x.length
const F = ck.x[0].length
const stateShape = fx.state_shape
const stateSize = stateShape.reduce((a, b) => a * b, 1)
const D = ck.latent[0].length
const zeroState = () => new ort.Tensor('float32', new Float32Array(stateSize), stateShape)
const maxAbs = (a, b, n = b.length, oa = 0, ob = 0) => {
  let m = 0
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[oa + i] - b[ob + i]))
  return m
}

// ---- 1. chunk graph vs PyTorch fixture ----
const xFlat = Float32Array.from(ck.x.flat())
const outC = await chunkSess.run({ x: new ort.Tensor('float32', xFlat, [1, T, F]), state: zeroState() })
const vsTorch = {
  p: maxAbs(outC.p.data, Float32Array.from(ck.p.flat())),
  latent: maxAbs(outC.latent.data, Float32Array.from(ck.latent.flat())),
  state_out: maxAbs(outC.state_out.data, Float32Array.from(ck.final_state)),
}

// ---- 2. chunk graph vs T step-graph calls ----
let st = zeroState()
const vsStep = { p: 0, latent: 0, state_out: 0 }
for (let i = 0; i < T; i++) {
  const o = await stepSess.run({ x: new ort.Tensor('float32', Float32Array.from(ck.x[i]), [1, F]), state: st })
  vsStep.p = Math.max(vsStep.p, maxAbs(outC.p.data, o.p.data, 2, i * 2, 0))
  vsStep.latent = Math.max(vsStep.latent, maxAbs(outC.latent.data, o.latent.data, D, i * D, 0))
  st = o.state_out
}
vsStep.state_out = maxAbs(outC.state_out.data, st.data)

const tol = ck.tolerance ?? fx.tolerance
const worst = Math.max(...Object.values(vsTorch), ...Object.values(vsStep))
const result = {
  status: worst <= tol ? 'pass' : 'fail',
  runtime: `onnxruntime-node ${ort.env?.versions?.common ?? ''}`.trim(),
  inputs: chunkSess.inputNames,
  outputs: chunkSess.outputNames,
  chunk: T,
  tolerance: tol,
  max_abs_diff_vs_torch: vsTorch,
  max_abs_diff_vs_step_graph: vsStep,
}

// ---- 3. full-series benchmark ----
if (benchPath) {
  const bx = JSON.parse(readFileSync(benchPath, 'utf8')).x
  const N = bx.length
  const flat = Float32Array.from(bx.flat())
  const runStep = async (from, to, state, P, L) => {
    for (let i = from; i < to; i++) {
      const o = await stepSess.run({ x: new ort.Tensor('float32', flat.subarray(i * F, (i + 1) * F), [1, F]), state })
      P.set(o.p.data, i * 2)
      L.set(o.latent.data, i * D)
      state = o.state_out
    }
    return state
  }
  const runChunks = async (nChunks, state, P, L) => {
    for (let c = 0; c < nChunks; c++) {
      const n = Math.min(T, N - c * T)
      let xc = flat.subarray(c * T * F, (c * T + n) * F)
      if (n < T) { const pad = new Float32Array(T * F); pad.set(xc); xc = pad } // zero-pad, outputs ignored
      const o = await chunkSess.run({ x: new ort.Tensor('float32', xc, [1, T, F]), state })
      P.set(o.p.data.subarray(0, n * 2), c * T * 2)
      L.set(o.latent.data.subarray(0, n * D), c * T * D)
      state = o.state_out
    }
    return state
  }
  const variants = {
    step: async (P, L) => runStep(0, N, zeroState(), P, L),
    chunk_padded: async (P, L) => runChunks(Math.ceil(N / T), zeroState(), P, L),
    chunk_plus_step_tail: async (P, L) => {
      const full = Math.floor(N / T)
      const s = await runChunks(full, zeroState(), P, L)
      return runStep(full * T, N, s, P, L)
    },
  }
  const res = {}
  for (const [name, fn] of Object.entries(variants)) {
    const P = new Float32Array(N * 2), L = new Float32Array(N * D)
    await fn(P, L) // warm-up
    const times = []
    let last
    for (let r = 0; r < 7; r++) {
      const t0 = process.hrtime.bigint()
      last = await fn(P, L)
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
    times.sort((a, b) => a - b)
    res[name] = { P, L, S: last.data, ms_median: times[3], ms_min: times[0], ms_max: times[6] }
  }
  result.bench = {
    bars: N,
    calls: { step: N, chunk_padded: Math.ceil(N / T), chunk_plus_step_tail: `${Math.floor(N / T)} chunk + ${N % T} step` },
    ms_median: Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.ms_median])),
    ms_min: Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.ms_min])),
    max_abs_diff_vs_step: Object.fromEntries(['chunk_padded', 'chunk_plus_step_tail'].map((k) => [k, {
      p: maxAbs(res[k].P, res.step.P), latent: maxAbs(res[k].L, res.step.L),
      final_state: maxAbs(res[k].S, res.step.S),
    }])),
    note: 'wall-clock incl. tensor creation, median of 7 runs after 1 warm-up, 1 session per graph, ORT CPU EP intraOpNumThreads ' + (opts.intraOpNumThreads ?? 'default') + '; '
      + 'chunk_padded final_state includes the zero-padded bars (not valid for continued streaming)',
  }
}
console.log(JSON.stringify(result))
process.exit(result.status === 'pass' ? 0 : 1)
