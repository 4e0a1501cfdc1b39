import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run market-terrain` and `mechanica terrain --csv` through the BUILT cli, as a user runs them.

describe('mechanica run market-terrain', () => {
  it('prints the usual fields and a terrain block for --preset seed', async () => {
    const { code, stdout } = await mechanica('run', 'market-terrain', '--preset', 'seed', '--seed', '4', '--set', 'universe.bars=600', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { steps: number; preset: string; metrics: Record<string, number | null>; terrain: { fault_alerts: number; mean_edge_hardness: number; clusters: string[][] } }
    expect(out.steps).toBe(600)
    expect(out.preset).toBe('seed')
    expect(out.terrain.fault_alerts).toBe(out.metrics.fault_alerts)
    expect(out.terrain.mean_edge_hardness).toBeGreaterThan(0)
    expect(out.terrain.clusters.flat().length).toBe(23)
  })

  it('adds the grouping against the true regimes and the walk-forward folds, with Surprise and Flow Capture', async () => {
    const { code, stdout } = await mechanica('run', 'market-terrain', '--preset', 'corrected', '--seed', '4', '--set', 'universe.bars=700', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as {
      metrics: Record<string, number | null>
      terrain: { trailhead: { preset: string; fires: number; logs: number } }
      grouping: { train_bars: [number, number]; test_bars: [number, number]; methods: Array<{ method: string; accuracy: number; persistence: { switches: number; mean_run_length: number }; mean_time_to_detection: number | null }> }
      walk_forward: { folds: Array<{ train: [number, number]; test: [number, number]; risk_z_off: number }>; out_of_sample: { bars: [number, number]; sharpe: number | null } }
    }
    expect(out.grouping.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    expect(out.grouping.test_bars).toEqual([out.grouping.train_bars[1], 700])
    for (const m of out.grouping.methods) {
      expect(m.accuracy).toBeGreaterThanOrEqual(0)
      expect(m.accuracy).toBeLessThanOrEqual(1)
      expect(m.persistence.mean_run_length).toBeCloseTo((700 - out.grouping.test_bars[0]) / (m.persistence.switches + 1), 10)
    }
    expect(out.metrics.kmeans_accuracy).toBe(out.grouping.methods[1]!.accuracy)
    const folds = out.walk_forward.folds
    expect(folds).toHaveLength(4)
    folds.forEach((f, i) => {
      expect(f.train[1]).toBe(f.test[0])
      if (i > 0) expect(f.test[0]).toBe(folds[i - 1]!.test[1])
    })
    expect(out.walk_forward.out_of_sample.bars).toEqual([folds[0]!.test[0], 700])
    expect(out.metrics.oos_sharpe).toBe(out.walk_forward.out_of_sample.sharpe)
    expect(out.metrics.surprise).toBeGreaterThan(0)
    expect(typeof out.metrics.flow_capture).toBe('number')
    expect(out.terrain.trailhead.preset).toBe('A')
  })

  it('refuses a trailhead preset that is not A, B or C in one line, exit 2', async () => {
    const { code, stderr } = await mechanica('run', 'market-terrain', '--set', 'state.trailhead_preset=D', '--json')
    expect(code).toBe(2)
    expect(stderr.trim()).toBe('mechanica: market-terrain: state.trailhead_preset: must be "A", "B" or "C" (got "D")')
  })

  it('adds grouping.held_out for --set grouping.heldout_seeds, and refuses the run’s own seed there in one line', async () => {
    const ok = await mechanica('run', 'market-terrain', '--seed', '4', '--set', 'universe.bars=600', '--set', 'grouping.heldout_seeds=[5]', '--json')
    expect(ok.code).toBe(0)
    const out = JSON.parse(ok.stdout) as { grouping: { methods: unknown[]; held_out: { train_seeds: number[]; seeds: number[]; methods: Array<{ method: string; accuracy: number; per_seed: unknown[] }> } } }
    expect(out.grouping.methods).toHaveLength(3)
    expect(out.grouping.held_out.train_seeds).toEqual([4])
    expect(out.grouping.held_out.seeds).toEqual([5])
    expect(out.grouping.held_out.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    const bad = await mechanica('run', 'market-terrain', '--seed', '4', '--set', 'grouping.heldout_seeds=[4]', '--json')
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/grouping\.heldout_seeds\.0: seed 4 is the run’s own seed/)
  })

  it('names the corrections of the corrected preset', async () => {
    const { code, stdout } = await mechanica('run', 'market-terrain', '--preset', 'corrected', '--set', 'universe.bars=400', '--json')
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as { corrections: string[] }).corrections).toEqual(['vix9d_direction', 'hardness_fragility_split', 'surprise_lag', 'kill_switch_cooldown', 'fault_warmup'])
  })
})

describe('mechanica terrain --csv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-terrain-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const rows = (n: number) => Array.from({ length: n }, (_, d) => `${new Date(Date.UTC(2021, 0, 1 + d)).toISOString().slice(0, 10)},${(100 + Math.sin(d)).toFixed(4)},${(50 + Math.cos(d * 1.3)).toFixed(4)},${(20 + Math.sin(d * 0.7)).toFixed(4)}`)

  it('reads a wide file and prints the terrain as JSON', async () => {
    const { code, stdout } = await mechanica('terrain', '--csv', file('wide.csv', ['date,X,Y,Z', ...rows(120)].join('\n')), '--window', '20', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as {
      assets: string[]
      window: number
      long_window: number
      path: Array<{ date: string; state?: [number, number]; ellipse?: number[]; regime?: Record<string, number> | null }>
      state: { from_date: string; mean_surprise: number | null }
      grouping: { methods: Array<{ method: string; switches: number; online_switches: number; risky_share: number }> }
    }
    expect(out.assets).toEqual(['X', 'Y', 'Z'])
    expect(out.window).toBe(20)
    expect(out.long_window).toBe(80)
    expect(out.path.length).toBe(119 - 19)
    // The state is read once the momentum horizon (63 bars) has filled: return 63 is dated row 65.
    const first = out.path.findIndex((p) => p.state !== undefined)
    expect(out.path[first]!.date).toBe(out.state.from_date)
    expect(out.path[first]!.date).toBe(new Date(Date.UTC(2021, 0, 1 + 64)).toISOString().slice(0, 10))
    for (const p of out.path.slice(first)) {
      expect(p.ellipse).toHaveLength(5)
      expect(Object.keys(p.regime!)).toEqual(['jump', 'kmeans', 'hmm'])
    }
    expect(out.grouping.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    for (const m of out.grouping.methods) {
      let switches = 0
      const online = out.path.slice(first).map((p) => p.regime![m.method]!)
      for (let i = 1; i < online.length; i++) if (online[i] !== online[i - 1]) switches++
      expect(m.online_switches).toBe(switches)
      expect(m.risky_share).toBeGreaterThanOrEqual(0)
      expect(m.risky_share).toBeLessThanOrEqual(1)
    }
    expect(out.state.mean_surprise).toBeGreaterThan(0)
  })

  it('refuses one asset, a window longer than the series and a gap, one line each, exit 2', async () => {
    const one = await mechanica('terrain', '--csv', file('one.csv', 'date,X\n2021-01-01,1\n2021-01-02,2\n'), '--json')
    expect(one.code).toBe(2)
    expect(one.stderr.trim()).toMatch(/^mechanica: .*one\.csv: the CSV was rejected: row 1: the file holds 1 asset; a terrain needs at least two/)
    const short = await mechanica('terrain', '--csv', file('short.csv', ['date,X,Y,Z', ...rows(30)].join('\n')), '--window', '60')
    expect(short.code).toBe(2)
    expect(short.stderr.trim().split('\n')).toHaveLength(1)
    expect(short.stderr).toContain('--window 60 is longer than the series: 30 dates give 29 returns')
    const gap = await mechanica('terrain', '--csv', file('gap.csv', 'date,X,Y\n2021-01-01,1,2\n2021-01-02,1,\n'))
    expect(gap.code).toBe(2)
    expect(gap.stderr).toContain('row 3: Y is missing (a gap')
  })
})
