/** One axis of a tradable surface: what it indexes, in which unit, at which points. */
export interface SurfaceAxis {
  name: string
  unit: string
  labels: readonly string[]
  values?: readonly number[]
}

/** One of the lab's own readouts at a step (contango score, slope z-score, ATM term slope …). */
export interface SurfaceFeature {
  name: string
  unit: string
  description: string
  value: number
}

/** A quantity per point along a curve's one axis (bond price, DV01 … per tenor), beside the curve's own values. */
export interface SurfaceCompanion {
  name: string
  unit: string
  description: string
  /** One value per label of the surface's axis. */
  values: Float64Array
}

/**
 * The tradable object at one step: a typed grid with named axes and units (currency × tenor
 * carry matrix, rating × tenor spread curve, …). `values` is row-major over `axes`.
 * `features` and `companions` are the lab's own numbers at that step, computed by its functions
 * (the views show them, never recompute them); a lab lists the same ones, in the same order, at
 * every step. Companions belong to 1-axis surfaces (curves) only.
 */
export interface Surface {
  name: string
  unit: string
  axes: readonly SurfaceAxis[]
  values: Float64Array
  features?: readonly SurfaceFeature[]
  companions?: readonly SurfaceCompanion[]
}

/**
 * The name of a network surface's second axis: a surface with axes [nodes (N), link] where the
 * link axis lists the N node labels (row i, column j: i's exposure to j), then quantities per
 * node, reads as a network (src/main/labs/surfaces.ts, layout 'network').
 */
export const NETWORK_LINK_AXIS = 'link'

export function surfaceAt(surface: Surface, ...index: number[]): number {
  let offset = 0
  for (let k = 0; k < surface.axes.length; k++) {
    const size = surface.axes[k]?.labels.length ?? 0
    const i = index[k] ?? 0
    if (i < 0 || i >= size) throw new RangeError(`index ${i} is outside axis ${surface.axes[k]?.name} (size ${size})`)
    offset = offset * size + i
  }
  return surface.values[offset] ?? Number.NaN
}
