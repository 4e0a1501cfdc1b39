import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as ort from 'onnxruntime-node'
import { DEFAULT_MODEL, RegimeModel, STATE_SIZE, featuresFor, loadRegimeModel } from '../src/main/inference/regime-model'
import { modelsDir } from '../src/main/inference/classify-series'
import { normaliseForModel } from '../src/main/regime/ssm-features'
import { simulatePath } from '../src/main/labs/heston-regime/market'
import { hestonRegimeLab } from '../src/main/labs/heston-regime/lab'
import { resolveLabConfig } from '../src/main/engine/kernel'
import { REPEATS, best } from './timing'

// `npm run bench`, regime model: ONNX Runtime against eager PyTorch on the same bars, like with
// like — streaming (one step call per bar, state carried) against streaming, and the whole series
// (ONNX: the chunk graph, 64 bars a call, then the remainder bar by bar; PyTorch: forward_seq in
// one call) against the whole series — both at one intra-op thread, timed in this run through
// tools/regime-model/time_torch.py when a python3 that imports torch is found
// (MECHANICA_TORCH_PYTHON, else python3, else /usr/bin/python3, where Debian's python3-torch
// installs). Without one, the model card's figure is printed as the card's, with no ratio.

const BARS = 2520
const THREADS = 1

export interface Latency {
  perStepMs: number
  p50Ms: number
  p99Ms: number
}

export interface TorchTiming {
  torch: string
  python: string
  threads: number
  bars: number
  parity: { step_max_abs_diff: number; series_max_abs_diff: number; tolerance: number }
  streaming: { total_ms: number; per_step_ms: number; p50_ms: number; p99_ms: number }
  whole_series: { ms: number }
}

/** Per-step latency of the fastest of REPEATS streaming passes (quantiles from that pass). */
async function streaming(step: (b: number, state: Float32Array) => Promise<Float32Array>, bars: number): Promise<Latency> {
  let fastest = Number.POSITIVE_INFINITY
  let kept: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    const latencies: number[] = []
    let state: Float32Array = new Float32Array(STATE_SIZE)
    const pass = performance.now()
    for (let b = 0; b < bars; b++) {
      const t0 = performance.now()
      state = await step(b, state)
      latencies.push(performance.now() - t0)
    }
    const total = performance.now() - pass
    if (total < fastest) [fastest, kept] = [total, latencies]
  }
  kept.sort((a, b) => a - b)
  const q = (p: number): number => kept[Math.min(kept.length - 1, Math.floor(p * kept.length))]!
  return { perStepMs: fastest / bars, p50Ms: q(0.5), p99Ms: q(0.99) }
}

/** PyTorch's timing of the same rows, or why there is none. */
function torchTiming(x: Float32Array, f: number, stem: string): TorchTiming | string {
  const script = join(__dirname, '..', '..', 'tools', 'regime-model', 'time_torch.py')
  if (!existsSync(script)) return `${script} is missing`
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-torch-'))
  try {
    const rows = Array.from({ length: x.length / f }, (_, b) => Array.from(x.subarray(b * f, (b + 1) * f)))
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ x: rows }))
    const args = [script, '--model', stem, '--x', join(dir, 'x.json'), '--repeats', String(REPEATS), '--threads', String(THREADS), '--json']
    const pythons = process.env.MECHANICA_TORCH_PYTHON ? [process.env.MECHANICA_TORCH_PYTHON] : ['python3', '/usr/bin/python3']
    const reasons: string[] = []
    for (const python of pythons) {
      const out = spawnSync(python, args, { encoding: 'utf8', timeout: 10 * 60_000 })
      if (out.status === 0) return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as TorchTiming
      reasons.push(`${python}: ${(out.stderr || out.error?.message || `exit ${out.status}`).trim().split('\n').at(-1)}`)
    }
    return reasons.join('; ')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ms = (v: number, digits = 3): string => `${v.toFixed(digits)} ms`

export interface OnnxTiming {
  version: string
  streaming: Latency
  wholeSeriesMs: number
  chunkCalls: number
  chunkSize: number
  stepCalls: number
}

/** The model card's `timings` block: PyTorch timed on the training machine. */
export interface CardTimings {
  torch_stream_us_per_bar?: number
  torch_stream_note?: string
}

/**
 * The comparison's lines: a ratio only between figures measured in this run on the same bars —
 * streaming against streaming, whole series against whole series. Without a PyTorch timing the
 * card's figure is shown as the card's, with no ratio.
 */
export function regimeComparison(onnx: OnnxTiming, torch: TorchTiming | string, card: CardTimings | undefined): string[] {
  const row = (name: string, s: Latency, whole: number): string =>
    `${name.padEnd(44)} ${s.perStepMs.toFixed(4).padStart(17)} ${s.p50Ms.toFixed(3).padStart(7)} ${s.p99Ms.toFixed(3).padStart(7)} ${ms(whole, 1).padStart(13)}`
  const lines = [
    `${'engine'.padEnd(44)} ${'streaming ms/step'.padStart(17)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'whole series'.padStart(13)}`,
    row(`ONNX Runtime ${onnx.version} (CPU)`, onnx.streaming, onnx.wholeSeriesMs),
    `  whole series: ${onnx.chunkCalls} chunk-graph calls of ${onnx.chunkSize} bars + ${onnx.stepCalls} step calls`
  ]
  if (typeof torch === 'string') {
    lines.push(`PyTorch: not measured in this run (${torch}).`)
    if (card?.torch_stream_us_per_bar !== undefined) {
      lines.push(
        `  The model card records ${ms(card.torch_stream_us_per_bar / 1000, 4)}/step for PyTorch streaming (${card.torch_stream_note ?? 'eager'}), timed on the training machine, not here: no ratio is computed from it.`
      )
    }
    return lines
  }
  lines.push(
    row(`PyTorch ${torch.torch} eager (Python ${torch.python})`, { perStepMs: torch.streaming.per_step_ms, p50Ms: torch.streaming.p50_ms, p99Ms: torch.streaming.p99_ms }, torch.whole_series.ms),
    `  whole series: forward_seq over all ${torch.bars} bars in one call; weights read from the shipped step graph, fixture reproduced to ${torch.parity.step_max_abs_diff.toExponential(1)}`,
    `ONNX Runtime against PyTorch, same bars, this run: streaming × ${(torch.streaming.per_step_ms / onnx.streaming.perStepMs).toFixed(2)} (p50 × ${(torch.streaming.p50_ms / onnx.streaming.p50Ms).toFixed(2)}), whole series × ${(torch.whole_series.ms / onnx.wholeSeriesMs).toFixed(2)}`
  )
  return lines
}

export async function benchRegime(): Promise<void> {
  const files = loadRegimeModel(modelsDir(__dirname))
  const model = await RegimeModel.create(ort, files, ['cpu'], { intraOpNumThreads: THREADS })
  const closes = simulatePath(resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 11 })).prices.subarray(0, BARS + 101)
  await model.classify(closes.subarray(0, 400)) // warm-up
  const ssmFeatures = featuresFor(files.card)
  const features = (await best(() => void ssmFeatures(closes))) * 1000
  const endToEnd = (await best(async () => void (await model.classify(closes)))) * 1000
  const { mean, std } = files.card.features.normalisation
  const x = normaliseForModel(ssmFeatures(closes), mean, std)
  const f = files.card.features.channels.length
  const bars = x.length / f
  const size = model.chunkSize
  const wholeSeries = (await best(async () => void (await model.run(x)))) * 1000
  const stream = await streaming(async (b, state) => (await model.step(x.subarray(b * f, (b + 1) * f), state)).state, bars)
  await model.release()

  const torch = torchTiming(x, f, DEFAULT_MODEL)
  // The card's timings block is documentation (not in RegimeModelCard): read it as written.
  const card = JSON.parse(readFileSync(join(modelsDir(__dirname), `${DEFAULT_MODEL}.card.json`), 'utf8')) as { timings?: CardTimings }
  const chunks = size > 0 ? Math.floor(bars / size) : 0
  console.log(`\nregime model ${files.card.name} — ${bars.toLocaleString('en-US')} bars (heston-regime corrected, seed 11), ${THREADS} intra-op thread, best of ${REPEATS}`)
  const onnx: OnnxTiming = { version: ort.env.versions.common, streaming: stream, wholeSeriesMs: wholeSeries, chunkCalls: chunks, chunkSize: size, stepCalls: bars - chunks * size }
  for (const line of regimeComparison(onnx, torch, card.timings)) console.log(`  ${line}`)
  console.log(`  the app's classify (features + whole series + phase space and OOD): ${ms(endToEnd, 1)} (features ${ms(features, 1)})`)
}
