import type { LabInfo, SweepStartInput } from '../../../../shared/contract'

/** A config path the sweep form offers, with what it takes. */
export interface SweepablePath {
  path: string
  label: string
  kind: 'number' | 'enum' | 'boolean'
  /** From the lab's schema (`.meta({ unit })`), where it gives one. */
  unit?: string
  options?: string[]
}

/** The lab's form fields that can be varied one value at a time (numbers, choices, switches). */
export function sweepablePaths(lab: LabInfo | undefined): SweepablePath[] {
  if (!lab) return []
  return lab.form.fields.flatMap((f): SweepablePath[] => {
    const unit = f.unit === undefined ? {} : { unit: f.unit }
    if (f.kind === 'number') return [{ path: f.path, label: f.label, kind: 'number', ...unit }]
    if (f.kind === 'enum') return [{ path: f.path, label: f.label, kind: 'enum', options: f.options, ...unit }]
    if (f.kind === 'boolean') return [{ path: f.path, label: f.label, kind: 'boolean', ...unit }]
    return []
  })
}

/** "0, 1, 2.5" → numbers; strings and booleans stay themselves; JSON where it parses. */
export function parseValues(text: string): Array<number | string | boolean> {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => {
      try {
        const parsed = JSON.parse(v) as unknown
        if (typeof parsed === 'number' || typeof parsed === 'boolean' || typeof parsed === 'string') return parsed
      } catch {
        // not JSON: a bare word such as an enum option
      }
      return v
    })
}

/** "T=2000\nfees.venue_a_bps=0.5" → overrides; returns an error naming the line that is not path=value. */
export function parseOverrides(text: string): { overrides: Record<string, unknown>; error: string | null } {
  const overrides: Record<string, unknown> = {}
  const lines = text.split(/\n|;/).map((l) => l.trim()).filter(Boolean)
  for (const line of lines) {
    const eq = line.indexOf('=')
    if (eq <= 0) return { overrides, error: `"${line}" is not path=value` }
    const [value] = parseValues(line.slice(eq + 1))
    overrides[line.slice(0, eq).trim()] = value ?? ''
  }
  return { overrides, error: null }
}

/** The grid the lab suggests (LabInfo.suggestedSweep): its two axes with their values, as the form edits them. */
export function defaultAxes(lab: LabInfo | undefined): Array<{ path: string; values: string }> {
  if (!lab) return []
  return lab.suggestedSweep.axes.map((axis) => ({ path: axis.path, values: axis.values.join(', ') }))
}

/** The metric to colour a sweep by: the one already chosen if the sweep has it, else its lab's suggestion, else the first. */
export function sweepMetric(metricNames: readonly string[], chosen: string, lab: LabInfo | undefined): string {
  if (metricNames.includes(chosen)) return chosen
  const suggested = lab?.suggestedSweep.metric
  return suggested !== undefined && metricNames.includes(suggested) ? suggested : (metricNames[0] ?? '')
}

export interface SweepFormState {
  lab: string
  preset: string
  mode: 'grid' | 'seeds'
  axes: Array<{ path: string; values: string }>
  /** Optional fixed seed for a grid. */
  seed: string
  seedFrom: string
  seedTo: string
  overrides: string
}

/** The request the form describes, or the first thing wrong with it. */
export function sweepRequest(form: SweepFormState): { request: SweepStartInput | null; error: string | null } {
  const { overrides, error } = parseOverrides(form.overrides)
  if (error) return { request: null, error: `overrides: ${error}` }
  const base = { lab: form.lab, preset: form.preset, overrides }
  if (form.mode === 'seeds') {
    const from = Number(form.seedFrom)
    const to = Number(form.seedTo)
    if (!Number.isInteger(from) || !Number.isInteger(to)) return { request: null, error: 'seeds: from and to must be whole numbers' }
    return { request: { ...base, seeds: { from, to } }, error: null }
  }
  const grid: Record<string, Array<number | string | boolean>> = {}
  for (const axis of form.axes) {
    if (!axis.path) continue
    const values = parseValues(axis.values)
    if (values.length === 0) return { request: null, error: `${axis.path}: give at least one value (comma-separated)` }
    grid[axis.path] = values
  }
  if (Object.keys(grid).length === 0) return { request: null, error: 'choose at least one config path to vary' }
  const seed = form.seed.trim() === '' ? undefined : Number(form.seed)
  if (seed !== undefined && !Number.isInteger(seed)) return { request: null, error: 'seed must be a whole number' }
  return { request: { ...base, grid, ...(seed === undefined ? {} : { seed }) }, error: null }
}
