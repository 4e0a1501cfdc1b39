/** A number the lab reads off one step's surface, with what it means. */
export interface SurfaceFeature {
  name: string
  unit: string
  description: string
  value: number
}

/** One axis of a tradable surface: what it indexes, in which unit, at which points. */
export interface SurfaceAxis {
  name: string
  unit: string
  labels: readonly string[]
  values?: readonly number[]
}

/**
 * The tradable object at one step: a typed grid with named axes and units (currency × tenor
 * carry matrix, rating × tenor spread curve, …). `values` is row-major over `axes`.
 */
export interface Surface {
  name: string
  unit: string
  /** Summary features the lab reads off this step's surface (its chapter's own, e.g. average correlation), listed after the generic ones. */
  features?: readonly SurfaceFeature[]
  axes: readonly SurfaceAxis[]
  values: Float64Array
}

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
