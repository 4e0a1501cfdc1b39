import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../../src/main/engine/rng/xoshiro128'
import { switchDetections } from '../../src/main/regime/evaluation'
import { fairDetectionFields, pairedAgainstSsm, summarizeDetections } from '../../src/main/regime/time-to-detection'

// tools/regime-model/time_to_detection.py is the fair time to detection for the Python tools
// (tuning, cards). It must give the TypeScript judge's numbers exactly — the per-seed summaries,
// the pooled delay, its seed-bootstrap interval (the same xoshiro128** stream) and the paired
// verdict — on the same series.
const script = join(__dirname, 'time_to_detection.py')
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0)

/**
 * One seed's series: a two-state Markov truth (stress spells of ~40 bars) and a classifier's
 * read-out that follows it `lag` bars late with flips of noise, unfitted (-1) for the first 20 bars.
 */
function series(seed: number, lag: number, noise: number): [number[], number[]] {
  const rng = new Xoshiro128(seed)
  const n = 1500
  const truth: number[] = []
  let state = 0
  for (let t = 0; t < n; t++) {
    if (rng.nextDouble() < (state === 0 ? 1 / 150 : 1 / 40)) state = 1 - state
    truth.push(state)
  }
  const pred = truth.map((_, t) => (t < 20 ? -1 : rng.nextDouble() < noise ? 1 - truth[Math.max(0, t - lag)]! : truth[Math.max(0, t - lag)]!))
  return [pred, truth]
}

describe.skipIf(python === undefined)('time_to_detection.py (the fair judge in Python)', () => {
  it('gives the TypeScript judge’s summaries, pooled delay, bootstrap interval and paired verdict', () => {
    const seeds = [3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007]
    const data = { ssm: seeds.map((s) => series(s, 3, 0.02)), other: seeds.map((s) => series(s + 100, 6, 0.05)) }
    const out = spawnSync(python!, [script], { input: JSON.stringify(data), encoding: 'utf8', timeout: 60_000 })
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    const py = JSON.parse(out.stdout) as { summaries: Record<string, unknown[]>; fields: Record<string, unknown>; paired: Record<string, unknown> }

    const ts = Object.fromEntries(Object.entries(data).map(([name, xs]) => [name, xs.map(([pred, truth]) => summarizeDetections(switchDetections(pred, truth)))]))
    expect(py.summaries).toEqual(ts)
    // the series exercise every case: switches met while calm, pre-flagged ones and misses
    const all = [...ts['ssm']!, ...ts['other']!]
    for (const key of ['detectedFromCalm', 'preFlagged', 'missed'] as const) expect(all.some((s) => s[key] > 0), key).toBe(true)

    for (const name of ['ssm', 'other']) expect(py.fields[name], name).toEqual(fairDetectionFields(ts[name]!))
    expect((py.fields['ssm'] as { ttd_from_calm_ci: unknown }).ttd_from_calm_ci).not.toBeNull()
    expect(py.paired['other']).toEqual(pairedAgainstSsm('other', ts['ssm']!, ts['other']!))
    expect((py.paired['other'] as { ssm_detects_first: string }).ssm_detects_first).toBe('yes')
  }, 60_000)
})
