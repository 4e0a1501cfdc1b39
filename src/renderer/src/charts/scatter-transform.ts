// The scatter view's data ↔ screen mapping: x and y have their own scales (the axes carry
// different units), y grows upward. Pure, so pan and zoom can be tested for invertibility.

export interface ViewTransform {
  /** Pixels per data unit. */
  kx: number
  ky: number
  /** Screen position of data (0, 0). */
  ox: number
  oy: number
}

export interface Bounds {
  xmin: number
  xmax: number
  ymin: number
  ymax: number
}

export const toScreen = (v: ViewTransform, x: number, y: number): [number, number] => [v.ox + x * v.kx, v.oy - y * v.ky]
export const toData = (v: ViewTransform, px: number, py: number): [number, number] => [(px - v.ox) / v.kx, (v.oy - py) / v.ky]

/** The bounds of the finite points (a unit box around a single point). */
export function boundsOf(xs: ArrayLike<number>, ys: ArrayLike<number>): Bounds {
  let xmin = Number.POSITIVE_INFINITY
  let xmax = Number.NEGATIVE_INFINITY
  let ymin = Number.POSITIVE_INFINITY
  let ymax = Number.NEGATIVE_INFINITY
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    const y = ys[i]!
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    if (x < xmin) xmin = x
    if (x > xmax) xmax = x
    if (y < ymin) ymin = y
    if (y > ymax) ymax = y
  }
  if (!Number.isFinite(xmin)) return { xmin: -1, xmax: 1, ymin: -1, ymax: 1 }
  const wx = xmax === xmin ? 0.5 : 0
  const wy = ymax === ymin ? 0.5 : 0
  return { xmin: xmin - wx, xmax: xmax + wx, ymin: ymin - wy, ymax: ymax + wy }
}

/** The transform that shows `bounds` inside width × height with `pad` pixels on every side. */
export function fit(bounds: Bounds, width: number, height: number, pad = 24): ViewTransform {
  const kx = Math.max(1e-12, (width - 2 * pad) / (bounds.xmax - bounds.xmin))
  const ky = Math.max(1e-12, (height - 2 * pad) / (bounds.ymax - bounds.ymin))
  return { kx, ky, ox: pad - bounds.xmin * kx, oy: height - pad + bounds.ymin * ky }
}

/** Zooms by `factor` (> 1 in) keeping the data point under (px, py) where it is. */
export function zoomAbout(v: ViewTransform, factor: number, px: number, py: number): ViewTransform {
  const [x, y] = toData(v, px, py)
  const kx = v.kx * factor
  const ky = v.ky * factor
  return { kx, ky, ox: px - x * kx, oy: py + y * ky }
}

/** Moves the view by (dx, dy) pixels. */
export const pan = (v: ViewTransform, dx: number, dy: number): ViewTransform => ({ ...v, ox: v.ox + dx, oy: v.oy + dy })
