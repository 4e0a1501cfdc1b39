// The Terrain view's geometry, pure: the engine's numbers in, what to draw out (block
// boundaries, network edges and layout, the forecast ellipse as a polygon, chart scales). The
// components only draw; nothing here computes a terrain quantity.

import type { TerrainAlert } from '../../../../shared/contract'

/** Positions p (1 … n − 1) where the watershed changes between p − 1 and p: the block boundaries. */
export function clusterBoundaries(watershed: readonly number[]): number[] {
  const out: number[] = []
  for (let p = 1; p < watershed.length; p++) if (watershed[p] !== watershed[p - 1]) out.push(p)
  return out
}

export interface TerrainEdge {
  a: number
  b: number
  rho: number
  /** The edge's own hardness, the stability of its correlation (NaN while hardness is not read). */
  hardness: number
  /** The pair is in the fault-alert state at the bar. */
  alert: boolean
}

/**
 * The network's edges: every pair (a < b, positions in the bar's order) with |ρ| ≥ threshold,
 * plus every fault-alert pair whatever its |ρ| (a fault line is worth seeing even when weak).
 * Sorted so the strongest draw last, alerts on top.
 */
export function edgesAbove(correlation: ArrayLike<number>, n: number, threshold: number, edgeHardness: ArrayLike<number>, alerts: readonly TerrainAlert[]): TerrainEdge[] {
  const alerted = new Set<number>()
  for (const x of alerts) alerted.add(Math.min(x.a, x.b) * n + Math.max(x.a, x.b))
  const edges: TerrainEdge[] = []
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const rho = correlation[a * n + b]!
      const alert = alerted.has(a * n + b)
      if (!(Math.abs(rho) >= threshold) && !alert) continue
      edges.push({ a, b, rho, hardness: edgeHardness[a * n + b]!, alert })
    }
  }
  return edges.sort((x, y) => Number(x.alert) - Number(y.alert) || Math.abs(x.rho) - Math.abs(y.rho))
}

/**
 * The edges worth drawing when there are too many for an SVG (a 500-asset bar can hold tens of
 * thousands above the threshold): the strongest `plain` non-alert edges and the strongest
 * `alerts` fault-alert edges, in drawing order (edgesAbove's: weakest first, alerts on top).
 */
export function strongestEdges(edges: readonly TerrainEdge[], plain: number, alerts: number): TerrainEdge[] {
  const firstAlert = edges.findIndex((e) => e.alert)
  const split = firstAlert < 0 ? edges.length : firstAlert
  return [...edges.slice(Math.max(0, split - plain), split), ...edges.slice(Math.max(split, edges.length - alerts))]
}

export interface NodePosition {
  x: number
  y: number
  /** Angle from the top, clockwise, in radians (labels sit outside along it). */
  angle: number
}

/**
 * Nodes on a circle in the bar's order (watersheds contiguous), one empty slot between
 * watersheds so each reads as its own arc. Deterministic: the same order gives the same picture.
 */
export function circularByCluster(watershed: readonly number[], cx: number, cy: number, radius: number): NodePosition[] {
  const n = watershed.length
  const gaps = watershed.length > 0 ? clusterBoundaries(watershed).length + 1 : 0
  const slots = n + (gaps > 1 ? gaps : 0)
  const out: NodePosition[] = []
  let slot = 0
  for (let p = 0; p < n; p++) {
    if (p > 0 && gaps > 1 && watershed[p] !== watershed[p - 1]) slot++
    const angle = (2 * Math.PI * slot) / Math.max(1, slots)
    out.push({ x: cx + radius * Math.sin(angle), y: cy - radius * Math.cos(angle), angle })
    slot++
  }
  return out
}

/**
 * The 95 % ellipse (centre, semi-axes, angle of the major axis from the risk axis) as k points
 * in data coordinates [risk, momentum]: c + a·cos θ·u + b·sin θ·v, u the major axis's direction.
 */
export function ellipsePoints(cx: number, cy: number, semiMajor: number, semiMinor: number, angle: number, k = 72): Array<[number, number]> {
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const out: Array<[number, number]> = []
  for (let i = 0; i < k; i++) {
    const th = (2 * Math.PI * i) / k
    const u = semiMajor * Math.cos(th)
    const v = semiMinor * Math.sin(th)
    out.push([cx + u * cos - v * sin, cy + u * sin + v * cos])
  }
  return out
}

export interface LinearScale {
  (value: number): number
  domain: readonly [number, number]
}

/** domain → range, linear; a zero-width domain is widened by 1 either side. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain[1] > domain[0] ? domain : [domain[0] - 1, domain[0] + 1]
  const f = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as LinearScale
  f.domain = [d0, d1]
  return f
}

/** [min, max] of the finite values of several columns over bars [from, to), padded by a share of the span. */
export function paddedDomain(columns: ReadonlyArray<ArrayLike<number>>, from = 0, to = Number.POSITIVE_INFINITY, pad = 0.05, extra: readonly number[] = []): [number, number] {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const c of columns) {
    for (let t = Math.max(0, from); t < Math.min(c.length, to); t++) {
      const v = c[t]!
      if (!Number.isFinite(v)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  for (const v of extra) {
    if (!Number.isFinite(v)) continue
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  if (!Number.isFinite(lo)) return [0, 1]
  const span = hi - lo || 1
  return [lo - pad * span, hi + pad * span]
}

/** An SVG path through (t, column[t]) for finite values, broken at gaps. */
export function seriesPath(column: ArrayLike<number>, x: (t: number) => number, y: (v: number) => number, from = 0, to = column.length): string {
  let path = ''
  let pen = false
  for (let t = from; t < Math.min(to, column.length); t++) {
    const v = column[t]!
    if (!Number.isFinite(v)) {
      pen = false
      continue
    }
    path += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`
    pen = true
  }
  return path
}

/** Maximal runs [from, to] of bars where `values[t] === code` (regime spans, trailhead marks). */
export function spansOf(values: ArrayLike<number>, code: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let start = -1
  for (let t = 0; t <= values.length; t++) {
    const on = t < values.length && values[t] === code
    if (on && start < 0) start = t
    if (!on && start >= 0) {
      out.push([start, t - 1])
      start = -1
    }
  }
  return out
}
