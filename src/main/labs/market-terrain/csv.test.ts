import { describe, expect, it } from 'vitest'
import { parsePriceCsvPanel, terrainOfPanel } from './csv'
import { lcgNoise } from './test-support'

// A deterministic two-block panel: A and B share one driver, C and D another.
function widePanel(dates: number): string {
  const rows = ['date,A,B,C,D']
  const p = [100, 100, 100, 100]
  const noise = lcgNoise(7)
  for (let d = 0; d < dates; d++) {
    const f = [noise(), noise()]
    for (let i = 0; i < 4; i++) p[i] = p[i]! * Math.exp(0.01 * (f[i < 2 ? 0 : 1]! + 0.3 * noise()))
    const day = new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10)
    rows.push([day, ...p.map((x) => x.toFixed(6))].join(','))
  }
  return rows.join('\n')
}

function toLong(wide: string): string {
  const [header, ...rows] = wide.split('\n')
  const tickers = header!.split(',').slice(1)
  return ['date,ticker,close', ...rows.flatMap((r) => tickers.map((t, k) => `${r.split(',')[0]},${t},${r.split(',')[k + 1]}`))].join('\n')
}

describe('multi-asset CSV for the terrain', () => {
  it('reads wide and long files into the same panel', () => {
    const wide = parsePriceCsvPanel(widePanel(30))
    const long = parsePriceCsvPanel(toLong(widePanel(30)))
    expect(wide.tickers).toEqual(['A', 'B', 'C', 'D'])
    expect(long.tickers).toEqual(wide.tickers)
    expect(long.dates).toEqual(wide.dates)
    expect(Array.from(long.closes)).toEqual(Array.from(wide.closes))
  })

  it('names duplicates, gaps and non-positive prices by row', () => {
    expect(() => parsePriceCsvPanel('date,A,B\n2020-01-01,1,2\n2020-01-01,1,2\n')).toThrow('row 3: date 2020-01-01 duplicates row 2')
    expect(() => parsePriceCsvPanel('date,A,B\n2020-01-01,1,\n')).toThrow('row 2: B is missing (a gap')
    expect(() => parsePriceCsvPanel('date,A,B\n2020-01-01,1,-3\n')).toThrow('row 2: B must be > 0 (got -3)')
    expect(() => parsePriceCsvPanel('date,ticker,close\n2020-01-01,A,1\n2020-01-01,A,2\n')).toThrow('row 3: A on 2020-01-01 duplicates row 2')
    expect(() => parsePriceCsvPanel('date,ticker,close\n2020-01-01,A,1\n2020-01-01,B,2\n2020-01-02,A,1\n')).toThrow('row 4: B has no close on 2020-01-02 (a gap')
    expect(() => parsePriceCsvPanel('date,ticker,close\n2020-01-01,A,0\n')).toThrow('row 2: close of A must be > 0 (got 0)')
  })

  it('refuses a single asset and a window longer than the series, in one line', () => {
    expect(() => parsePriceCsvPanel('date,A\n2020-01-01,1\n2020-01-02,2\n')).toThrow(/^the CSV was rejected: row 1: the file holds 1 asset; a terrain needs at least two/)
    expect(() => terrainOfPanel(parsePriceCsvPanel(widePanel(30)), 60)).toThrow('--window 60 is longer than the series: 30 dates give 29 returns, and a terrain needs more returns than the window')
  })

  it('finds the two blocks as watersheds and reads a stable terrain as hard', () => {
    const result = terrainOfPanel(parsePriceCsvPanel(widePanel(400)), 40)
    expect(result.long_window).toBe(160)
    expect(result.path.length).toBe(399 - 39)
    // Four assets → at most two watersheds: the two blocks.
    expect(result.terrain.clusters.map((c) => [...c].sort().join('')).sort()).toEqual(['AB', 'CD'])
    expect(result.terrain.mean_edge_hardness).toBeGreaterThan(0.3)
  })
})
