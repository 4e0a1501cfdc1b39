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

  it('names the corrections of the corrected preset', async () => {
    const { code, stdout } = await mechanica('run', 'market-terrain', '--preset', 'corrected', '--set', 'universe.bars=400', '--json')
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as { corrections: string[] }).corrections).toEqual(['vix9d_direction', 'hardness_fragility_split', 'surprise_lag', 'kill_switch_cooldown'])
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
    const out = JSON.parse(stdout) as { assets: string[]; window: number; long_window: number; path: unknown[] }
    expect(out.assets).toEqual(['X', 'Y', 'Z'])
    expect(out.window).toBe(20)
    expect(out.long_window).toBe(80)
    expect(out.path.length).toBe(119 - 19)
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
