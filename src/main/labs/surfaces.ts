import { ApiError, MAX_SURFACE_VALUES, type LabRunSpec, type SurfaceFrames, type SurfaceLayout, type SurfaceSummary } from '../../shared/contract'
import type { AnyLab, LabInputs, Surface } from '../engine/kernel'
import { checkInputs, planLab } from './execute'

// A run's tradable surface over time. Surfaces are not stored: the market is simulated again
// from the run's resolved config (deterministic from the seed) and each frame is the lab's own
// `surface(market, t, config)`. The last market is kept, so scrubbing through a run simulates once.

export interface SurfaceWindow {
  from: number
  count: number
  stride: number
  frames: boolean
}

/** A lab bound to its config with the market simulated once. */
export interface SurfaceSource {
  key: string
  lab: AnyLab
  config: unknown
  market: unknown
  steps: number
}

let cached: SurfaceSource | null = null

/** The market for a spec, from the one-entry cache when the same config was asked for last. */
export function surfaceSource(spec: LabRunSpec, inputs: LabInputs = {}): SurfaceSource {
  const plan = planLab(spec)
  const key = `${plan.configHash}:${inputs.regime ? 'model' : 'none'}`
  if (cached?.key === key) return cached
  checkInputs(plan, spec, inputs)
  cached = { key, lab: plan.lab, config: plan.config, market: plan.lab.market(plan.config, inputs), steps: plan.steps }
  return cached
}

/** How the surface reads: an axis named "coordinate" lists quantities in different units. */
export function surfaceLayout(surface: Surface): SurfaceLayout {
  if (surface.axes.length === 1) return 'curve'
  if (surface.axes.length === 2 && surface.axes[1]!.name === 'coordinate') return 'coordinates'
  return 'grid'
}

function finiteStats(values: Float64Array, offset: number, length: number, step = 1): { mean: number; min: number; max: number } {
  let sum = 0
  let n = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let k = 0; k < length; k++) {
    const v = values[offset + k * step]!
    if (!Number.isFinite(v)) continue
    sum += v
    n++
    if (v < min) min = v
    if (v > max) max = v
  }
  return n === 0 ? { mean: Number.NaN, min: Number.NaN, max: Number.NaN } : { mean: sum / n, min, max }
}

/** The summary features a surface layout gets, as (name, unit, description, frame → value). */
function summaryDefinitions(surface: Surface, layout: SurfaceLayout): Array<{ name: string; unit: string; description: string; of(frame: Float64Array): number }> {
  const size = surface.values.length
  if (layout === 'coordinates') {
    const rows = surface.axes[0]!.labels.length
    const quantities = surface.axes[1]!.labels
    const q = quantities.length
    return quantities.flatMap((label, j) => [
      { name: `${label} (t)`, unit: '', description: `${label} at the frame's own step (the worm's head)`, of: (f: Float64Array) => f[(rows - 1) * q + j]! },
      { name: `${label} mean`, unit: '', description: `${label} averaged over the ${rows} ${surface.axes[0]!.unit} of the window`, of: (f: Float64Array) => finiteStats(f, j, rows, q).mean }
    ])
  }
  const unit = surface.unit
  const basic = [
    { name: 'mean', unit, description: 'average over every point of the surface', of: (f: Float64Array) => finiteStats(f, 0, size).mean },
    { name: 'min', unit, description: 'lowest point of the surface', of: (f: Float64Array) => finiteStats(f, 0, size).min },
    { name: 'max', unit, description: 'highest point of the surface', of: (f: Float64Array) => finiteStats(f, 0, size).max },
    {
      name: 'range',
      unit,
      description: 'max − min',
      of: (f: Float64Array) => {
        const s = finiteStats(f, 0, size)
        return s.max - s.min
      }
    }
  ]
  const last = surface.axes[surface.axes.length - 1]!
  const along = last.labels.length
  const rows = size / along
  const slope = {
    name: `slope (${last.name})`,
    unit,
    description:
      layout === 'curve'
        ? `last − first along ${last.name} (${last.labels[along - 1]} − ${last.labels[0]})`
        : `last − first along ${last.name} (${last.labels[along - 1]} − ${last.labels[0]}), averaged over ${surface.axes[0]!.name}`,
    of: (f: Float64Array) => {
      let sum = 0
      for (let r = 0; r < rows; r++) sum += f[r * along + along - 1]! - f[r * along]!
      return sum / rows
    }
  }
  return along > 1 ? [...basic, slope] : basic
}

/** Frames (and summaries) for steps from, from + stride, … of a simulated market. */
export function surfaceFrames(source: SurfaceSource, window: SurfaceWindow): Omit<SurfaceFrames, 'runId'> {
  const { lab, market, config, steps } = source
  if (window.from >= steps) {
    throw new ApiError('invalid_params', `from must be < ${steps}, the run's step count (got ${window.from})`, [{ path: 'from', message: `must be < ${steps}` }])
  }
  const count = Math.min(window.count, Math.ceil((steps - window.from) / window.stride))
  const first = lab.surface(market, window.from, config)
  const size = first.values.length
  if (window.frames && count * size > MAX_SURFACE_VALUES) {
    const most = Math.floor(MAX_SURFACE_VALUES / size)
    throw new ApiError('invalid_params', `count must be at most ${most} for this surface (${size} values per frame; got ${count})`, [
      { path: 'count', message: `must be at most ${most}` }
    ])
  }
  const layout = surfaceLayout(first)
  // the lab's own features of each frame follow the generic summaries, by position
  const features = first.features ?? []
  const definitions = [
    ...summaryDefinitions(first, layout),
    ...features.map((f, i) => ({ name: f.name, unit: f.unit, description: f.description, of: (_frame: Float64Array, surface: Surface) => surface.features?.[i]?.value ?? Number.NaN }))
  ]
  const summaries = definitions.map(() => new Float64Array(count))
  const frames = window.frames ? new Float64Array(count * size) : null
  const t = new Float64Array(count)
  const regime = new Float64Array(count)
  for (let k = 0; k < count; k++) {
    const step = window.from + k * window.stride
    const surface = k === 0 ? first : lab.surface(market, step, config)
    if (surface.values.length !== size) throw new Error(`${lab.id}: the surface at step ${step} has ${surface.values.length} values, not ${size}`)
    frames?.set(surface.values, k * size)
    t[k] = step
    regime[k] = lab.regimeAt(market, step)
    for (let d = 0; d < definitions.length; d++) summaries[d]![k] = definitions[d]!.of(surface.values, surface)
  }
  return {
    lab: lab.id,
    name: first.name,
    unit: first.unit,
    layout,
    axes: first.axes.map((a) => ({ name: a.name, unit: a.unit, labels: [...a.labels], values: a.values ? [...a.values] : null })),
    size,
    steps,
    from: window.from,
    stride: window.stride,
    t,
    regime,
    regimeNames: [...lab.regimes(config)],
    frames,
    summaries: definitions.map((d, i): SurfaceSummary => ({ name: d.name, unit: d.unit, description: d.description, values: summaries[i]! }))
  }
}
