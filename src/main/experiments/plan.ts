import { setPath } from '../engine/kernel'
import type { LabRunSpec } from '../../shared/contract'

/** One factor of a grid: a config path and the values it takes. */
export interface GridAxis {
  path: string
  values: unknown[]
}

/** A named one-factor-at-a-time variant of the frozen base (the book's stress menu). */
export interface StressVariant {
  name: string
  overrides: Record<string, unknown>
}

export interface ExperimentSpec {
  lab: string
  /** faithful, corrected or one of the lab's profiles. */
  preset: string
  /** Applied to every run: the frozen base. */
  base: Record<string, unknown>
  /** Seed ensemble; every variant runs on every seed, so regime paths match across variants. */
  seeds: number[]
  /** Cartesian grid over config paths (empty: no grid). */
  grid: GridAxis[]
  /** One-factor stress variants (empty: none). The base itself always runs as "base". */
  stress: StressVariant[]
}

export interface PlannedRun {
  /** Row label in the comparison table: "base", a stress name, or "path=value, …". */
  label: string
  seed: number
  /** What this run changes relative to the base. */
  changes: Record<string, unknown>
  spec: LabRunSpec
}

export const MAX_EXPERIMENT_RUNS = 10_000

/** Expands an experiment into runs: base × seeds, each stress variant × seeds, each grid cell × seeds. */
export function expandExperiment(spec: ExperimentSpec): PlannedRun[] {
  const variants: Array<{ label: string; changes: Record<string, unknown> }> = []
  if (spec.grid.length === 0) variants.push({ label: 'base', changes: {} })
  for (const s of spec.stress) variants.push({ label: s.name, changes: s.overrides })
  if (spec.grid.length > 0) {
    let cells: Array<Record<string, unknown>> = [{}]
    for (const axis of spec.grid) {
      if (axis.values.length === 0) throw new Error(`grid axis ${axis.path} has no values`)
      cells = cells.flatMap((cell) => axis.values.map((v) => ({ ...cell, [axis.path]: v })))
    }
    for (const cell of cells) {
      variants.push({ label: Object.entries(cell).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', '), changes: cell })
    }
  }
  const seeds = spec.seeds.length ? spec.seeds : [undefined]
  const total = variants.length * seeds.length
  if (total > MAX_EXPERIMENT_RUNS) throw new Error(`the experiment expands to ${total} runs; at most ${MAX_EXPERIMENT_RUNS} are allowed`)
  const runs: PlannedRun[] = []
  for (const variant of variants) {
    for (const seed of seeds) {
      const overrides = { ...spec.base, ...variant.changes }
      runs.push({
        label: variant.label,
        seed: seed ?? -1,
        changes: variant.changes,
        spec: { task: 'lab', lab: spec.lab, preset: spec.preset, overrides, ...(seed === undefined ? {} : { seed }) }
      })
    }
  }
  return runs
}

/** Parses "a.b=1,2,3" (CLI --grid) into an axis; values are JSON where they parse. */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new Error(`--grid expects path.to.key=v1,v2,… (got ${JSON.stringify(text)})`)
  const path = text.slice(0, eq)
  setPath({}, path, 0) // validates the path
  const values = splitTopLevel(text.slice(eq + 1)).map((v) => {
    try {
      return JSON.parse(v) as unknown
    } catch {
      return v
    }
  })
  return { path, values }
}

/** Splits on commas that are not inside [] or {} so arrays can be grid values. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '[' || ch === '{') depth++
    if (ch === ']' || ch === '}') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current.trim())
      current = ''
    } else current += ch
  }
  if (current.trim() !== '') parts.push(current.trim())
  return parts
}

/** "1..5" or "1,2,7" → seeds. */
export function parseSeeds(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text)
  const seeds = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : text.split(',').map((s) => Number(s.trim()))
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0 || s > 0xffff_ffff)) {
    throw new Error(`--seeds expects "a..b" or "a,b,c" with whole numbers from 0 to 4294967295 (got ${JSON.stringify(text)})`)
  }
  return seeds
}
