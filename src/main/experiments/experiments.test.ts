import { describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/contract'
import { expandExperiment, parseGridAxis, parseSeeds } from './plan'
import { runOnPool } from './pool'

describe('experiment expansion', () => {
  const base = { lab: 'fx-carry', preset: 'faithful' as const, base: { T: 300 }, seeds: [1, 2], grid: [], stress: [] }

  it('runs the frozen base on every seed when there is no grid', () => {
    const runs = expandExperiment(base)
    expect(runs.map((r) => [r.label, r.seed])).toEqual([
      ['base', 1],
      ['base', 2]
    ])
    expect(runs[0]?.spec).toEqual({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 300 }, seed: 1 })
  })

  it('adds each stress variant as one factor changed against the base, on the same seeds', () => {
    const runs = expandExperiment({ ...base, stress: [{ name: 'leverage cap 1.0', overrides: { 'risk_params.max_leverage': 1 } }] })
    expect(runs.map((r) => r.label)).toEqual(['base', 'base', 'leverage cap 1.0', 'leverage cap 1.0'])
    expect(runs[2]?.spec.overrides).toEqual({ T: 300, 'risk_params.max_leverage': 1 })
    expect(runs[2]?.changes).toEqual({ 'risk_params.max_leverage': 1 })
  })

  it('expands a grid as the cartesian product in axis order', () => {
    const runs = expandExperiment({
      ...base,
      seeds: [5],
      grid: [
        { path: 'a', values: [1, 2] },
        { path: 'b', values: ['x', 'y', 'z'] }
      ]
    })
    expect(runs.map((r) => r.label)).toEqual(['a=1, b="x"', 'a=1, b="y"', 'a=1, b="z"', 'a=2, b="x"', 'a=2, b="y"', 'a=2, b="z"'])
  })

  it('refuses an experiment that would expand past the limit', () => {
    expect(() => expandExperiment({ ...base, seeds: parseSeeds('0..10000'), grid: [{ path: 'a', values: [1, 2] }] })).toThrow('at most 10000')
  })

  it('parses grid axes with JSON values, arrays included', () => {
    expect(parseGridAxis('risk_params.max_leverage=0.5,1,2')).toEqual({ path: 'risk_params.max_leverage', values: [0.5, 1, 2] })
    expect(parseGridAxis('regimes.P=[[0.9,0.1],[0.2,0.8]],[[0.97,0.03],[0.2,0.8]]').values).toHaveLength(2)
    expect(() => parseGridAxis('nonsense')).toThrow('path.to.key=v1,v2')
  })

  it('parses seed ranges and lists and refuses anything else', () => {
    expect(parseSeeds('3..6')).toEqual([3, 4, 5, 6])
    expect(parseSeeds('1,7,42')).toEqual([1, 7, 42])
    expect(() => parseSeeds('a,b')).toThrow('--seeds')
    expect(() => parseSeeds('-1')).toThrow('--seeds')
  })
})

/** A worker of the pool: anything that takes a task and answers (here doubling it; 13 fails). */
function fakeWorker(name: string, log: string[]): { double(task: number): Promise<number> } {
  return {
    double: async (task) => {
      log.push(`${name}:${task}`)
      await new Promise((r) => setTimeout(r, task % 3))
      if (task === 13) throw new Error('unlucky')
      return task * 2
    }
  }
}

describe('process pool', () => {
  it('spreads tasks over every worker and returns results in submission order', async () => {
    const log: string[] = []
    const workers = [fakeWorker('a', log), fakeWorker('b', log), fakeWorker('c', log)]
    const tasks = Array.from({ length: 20 }, (_, i) => i)
    const progress: number[] = []
    const results = await runOnPool(workers, tasks, (w, task) => w.double(task), { onProgress: (p) => progress.push(p.done) })
    expect(results.map((r) => (r.ok ? r.value : r.error))).toEqual(tasks.map((t) => (t === 13 ? 'unlucky' : t * 2)))
    expect(new Set(log.map((l) => l.split(':')[0]))).toEqual(new Set(['a', 'b', 'c']))
    expect(progress).toEqual(tasks.map((_, i) => i + 1))
  })

  it('stops handing out tasks when cancelled and reports how far it got', async () => {
    const controller = new AbortController()
    const workers = [fakeWorker('a', []), fakeWorker('b', [])]
    const tasks = Array.from({ length: 50 }, (_, i) => i)
    const pending = runOnPool(workers, tasks, (w, task) => w.double(task), {
      signal: controller.signal,
      onProgress: (p) => p.done === 5 && controller.abort()
    })
    await expect(pending).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.code === 'cancelled' && /after \d+ of 50 runs/.test(e.message))
  })
})
