// Parity check of the exported streaming graph with onnxruntime-node (CPU EP).
// Usage: node tools/regime-model/verify_onnx.mjs resources/models/regime-ssm.onnx resources/models/regime-ssm.fixtures.json
// Prints one JSON line: { status, max_abs_diff: { p, latent, state_out }, tolerance, steps, ... }.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const [onnxPath, fixturesPath] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const modulesDir = process.env.ORT_NODE_MODULES ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../node_modules')
const ort = require(path.join(modulesDir, 'onnxruntime-node'))

const fx = JSON.parse(readFileSync(fixturesPath, 'utf8'))
const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] })
const stateSize = fx.state_shape.reduce((a, b) => a * b, 1)
let state = new ort.Tensor('float32', new Float32Array(stateSize), fx.state_shape)
const maxDiff = { p: 0, latent: 0, state_out: 0 }
const upd = (key, got, want) => {
  for (let i = 0; i < want.length; i++) maxDiff[key] = Math.max(maxDiff[key], Math.abs(got[i] - want[i]))
}
const t0 = process.hrtime.bigint()
for (let i = 0; i < fx.x.length; i++) {
  const x = new ort.Tensor('float32', Float32Array.from(fx.x[i]), [1, fx.x[i].length])
  const out = await session.run({ x, state })
  upd('p', out.p.data, fx.p[i])
  upd('latent', out.latent.data, fx.latent[i])
  state = out.state_out
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6
upd('state_out', state.data, fx.final_state)
const worst = Math.max(maxDiff.p, maxDiff.latent, maxDiff.state_out)
console.log(JSON.stringify({
  status: worst <= fx.tolerance ? 'pass' : 'fail',
  runtime: `onnxruntime-node ${ort.env?.versions?.common ?? ''}`.trim(),
  inputs: session.inputNames,
  outputs: session.outputNames,
  steps: fx.x.length,
  tolerance: fx.tolerance,
  max_abs_diff: maxDiff,
  ort_ms_per_step: ms / fx.x.length
}))
process.exit(worst <= fx.tolerance ? 0 : 1)
