import type { FieldIssue, FormField } from '../../../../shared/contract'

// Between the generated form and a run spec: what an input shows for a config value, what a
// typed text means, which edits really change the preset (only those become overrides), and
// where each validation issue from the engine belongs.

export function valueAt(config: unknown, path: string): unknown {
  let node: unknown = config
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The text an input shows for a config value. */
export function formatValue(field: FormField, value: unknown): string {
  if (value === null || value === undefined) return ''
  if (field.kind === 'json') return JSON.stringify(value)
  return String(value)
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string }

/** What a typed text means for the field; only what cannot be read at all is refused here — ranges are the engine's call. */
export function parseInput(field: FormField, text: string): Parsed {
  const trimmed = text.trim()
  switch (field.kind) {
    case 'number': {
      if (trimmed === '') return field.nullable ? { ok: true, value: null } : { ok: false, message: 'must be a number' }
      const value = Number(trimmed)
      return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `must be a number (got ${JSON.stringify(trimmed.slice(0, 20))})` }
    }
    case 'boolean':
      return { ok: true, value: trimmed === 'true' }
    case 'enum':
    case 'text':
      return { ok: true, value: text }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(trimmed) as unknown }
      } catch {
        return { ok: false, message: `must be JSON, ${field.shape}` }
      }
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

export interface DraftOutcome {
  /** Edits that differ from the preset, keyed by config path: exactly what goes into `spec.overrides`. */
  overrides: Record<string, unknown>
  /** Inputs that cannot be read (not a number, not JSON), keyed by path. */
  unreadable: Record<string, string>
}

export function readDraft(fields: readonly FormField[], base: unknown, edits: Record<string, string>): DraftOutcome {
  const overrides: Record<string, unknown> = {}
  const unreadable: Record<string, string> = {}
  for (const field of fields) {
    const text = edits[field.path]
    if (text === undefined) continue
    const parsed = parseInput(field, text)
    if (!parsed.ok) unreadable[field.path] = parsed.message
    else if (!sameValue(parsed.value, valueAt(base, field.path))) overrides[field.path] = parsed.value
  }
  return { overrides, unreadable }
}

export interface PlacedIssues {
  /** Messages per field path ('seed' for the seed input). */
  byField: Record<string, string[]>
  /** Issues no input owns (shown above the Run button). */
  other: FieldIssue[]
}

/**
 * Puts each issue next to its input. The engine reports `spec.overrides.<config path>[.index…]`
 * (a matrix row belongs to the matrix's input) and `spec.seed`; the lab's own seed key is the
 * seed input too.
 */
export function placeIssues(fields: readonly FormField[], issues: readonly FieldIssue[]): PlacedIssues {
  const byField: Record<string, string[]> = {}
  const other: FieldIssue[] = []
  const paths = fields.map((f) => f.path).sort((a, b) => b.length - a.length)
  for (const issue of issues) {
    const path = issue.path.replace(/^spec\.(overrides\.)?/, '')
    const owner = path === 'seed' ? 'seed' : paths.find((p) => path === p || path.startsWith(`${p}.`))
    if (owner) (byField[owner] ??= []).push(path === owner ? issue.message : `${path.slice(owner.length + 1)}: ${issue.message}`)
    else other.push(issue)
  }
  return { byField, other }
}

/** "(0, 1]", "≥ 1", "whole number in [2, 1000000]" — the range the schema accepts, for the hint line. */
export function rangeText(field: FormField): string {
  if (field.kind === 'enum') return `one of ${field.options.length}`
  if (field.kind === 'json') return field.shape
  if (field.kind !== 'number') return ''
  const kind = field.integer ? 'whole number' : 'number'
  const lo = field.minimum
  const hi = field.maximum
  const nullable = field.nullable ? ' or empty for none' : ''
  if (lo !== undefined && hi !== undefined) return `${kind} in ${field.exclusiveMinimum ? '(' : '['}${lo}, ${hi}${field.exclusiveMaximum ? ')' : ']'}${nullable}`
  if (lo !== undefined) return `${kind} ${field.exclusiveMinimum ? '>' : '≥'} ${lo}${nullable}`
  if (hi !== undefined) return `${kind} ${field.exclusiveMaximum ? '<' : '≤'} ${hi}${nullable}`
  return `${kind}${nullable}`
}
