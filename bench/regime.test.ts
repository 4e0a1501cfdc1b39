import { describe, expect, it } from 'vitest'
import { type OnnxTiming, type TorchTiming, regimeComparison } from './regime'

// The bench's regime comparison: ratios only between figures measured in the same run, like with like.
const onnx: OnnxTiming = { version: '1.30.0', streaming: { perStepMs: 0.05, p50Ms: 0.045, p99Ms: 0.11 }, wholeSeriesMs: 30, chunkCalls: 39, chunkSize: 64, stepCalls: 24 }
const card = { torch_stream_us_per_bar: 133.55, torch_stream_note: 'eager PyTorch, no_grad, 1 thread, model.step per bar, batch 1' }
const torch: TorchTiming = {
  torch: '1.13.0a0',
  python: '3.11.2',
  threads: 1,
  bars: 2520,
  parity: { step_max_abs_diff: 0, series_max_abs_diff: 0, tolerance: 1e-5 },
  streaming: { total_ms: 378, per_step_ms: 0.15, p50_ms: 0.14, p99_ms: 0.2 },
  whole_series: { ms: 150 }
}

describe('regime bench comparison', () => {
  it('divides streaming by streaming and whole series by whole series, both measured in this run', () => {
    const lines = regimeComparison(onnx, torch, card)
    expect(lines.filter((l) => l.includes('×'))).toEqual(['ONNX Runtime against PyTorch, same bars, this run: streaming × 3.00 (p50 × 3.11), whole series × 5.00'])
    expect(lines.join('\n')).not.toContain('model card')
  })

  it('without a PyTorch timing here, shows the card figure as the card\'s and computes no ratio', () => {
    const lines = regimeComparison(onnx, 'python3: time_torch: PyTorch is not importable', card)
    expect(lines.filter((l) => l.includes('×'))).toEqual([])
    expect(lines).toContain('PyTorch: not measured in this run (python3: time_torch: PyTorch is not importable).')
    expect(lines).toContain(
      '  The model card records 0.1336 ms/step for PyTorch streaming (eager PyTorch, no_grad, 1 thread, model.step per bar, batch 1), timed on the training machine, not here: no ratio is computed from it.'
    )
  })
})
