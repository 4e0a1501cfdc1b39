// Colour scales for heatmaps: diverging (blue–grey–red around 0) when the domain spans zero,
// sequential (dark to bright) otherwise. Pure: a value in, an [r, g, b] out.

export type Rgb = readonly [number, number, number]

export interface ColourScale {
  kind: 'diverging' | 'sequential'
  min: number
  max: number
  colour(value: number): Rgb
}

const SEQUENTIAL: readonly Rgb[] = [
  [13, 8, 135],
  [84, 2, 163],
  [139, 10, 165],
  [185, 50, 137],
  [219, 92, 104],
  [244, 136, 73],
  [254, 188, 43],
  [240, 249, 33]
]
const DIVERGING: readonly Rgb[] = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [60, 66, 76],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43]
]

function interpolate(stops: readonly Rgb[], x: number): Rgb {
  const clamped = Math.min(1, Math.max(0, x))
  const position = clamped * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(position))
  const f = position - i
  const a = stops[i]!
  const b = stops[i + 1]!
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)]
}

/** A scale for values in [min, max]; a domain across zero becomes symmetric and diverging. */
export function colourScale(min: number, max: number): ColourScale {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { kind: 'sequential', min: 0, max: 1, colour: () => [60, 66, 76] }
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max)
    return { kind: 'diverging', min: -m, max: m, colour: (v) => interpolate(DIVERGING, (v + m) / (2 * m)) }
  }
  const span = max - min
  return { kind: 'sequential', min, max, colour: (v) => (span > 0 ? interpolate(SEQUENTIAL, (v - min) / span) : SEQUENTIAL[4]!) }
}

export const rgbCss = ([r, g, b]: Rgb): string => `rgb(${r},${g},${b})`

/** A value with as many digits as a scale of this size needs. */
export function formatValue(value: number, span = Math.abs(value)): string {
  if (!Number.isFinite(value)) return '—'
  const magnitude = Math.max(Math.abs(value), span)
  if (magnitude === 0) return '0'
  if (magnitude >= 1e4) return value.toFixed(2)
  if (magnitude < 1e-3) return value.toExponential(3)
  const decimals = Math.max(0, 4 - Math.floor(Math.log10(magnitude)))
  return value.toFixed(Math.min(8, decimals))
}

/** [min, max] of the finite values, widened to [x − 1, x + 1] when they are all equal; [0, 1] when there are none. */
export function extent(values: ArrayLike<number>, into: [number, number] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]): [number, number] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) continue
    if (v < into[0]) into[0] = v
    if (v > into[1]) into[1] = v
  }
  return into
}

export function paddedExtent(values: ArrayLike<number>): [number, number] {
  const [lo, hi] = extent(values)
  if (!Number.isFinite(lo)) return [0, 1]
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1]
}
