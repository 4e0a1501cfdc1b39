// A perceptual sequential scale (viridis, five stops) for heatmap cells and their legend.
const STOPS: Array<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37]
]

/** Colour of u in [0, 1]. */
export function scaleColour(u: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(u) ? u : 0)) * (STOPS.length - 1)
  const i = Math.min(STOPS.length - 2, Math.floor(x))
  const f = x - i
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!]
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f))
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`
}

/** Dark text on the light end of the scale, light text on the dark end. */
export function textOn(u: number): string {
  return u > 0.62 ? '#111' : '#eee'
}

export const LEGEND_GRADIENT = `linear-gradient(90deg, ${STOPS.map((s, i) => `rgb(${s.join(', ')}) ${(i / (STOPS.length - 1)) * 100}%`).join(', ')})`

/** Where a value sits between the smallest and largest shown (0.5 when they are equal). */
export function normalise(value: number, min: number, max: number): number {
  return max > min ? (value - min) / (max - min) : 0.5
}
