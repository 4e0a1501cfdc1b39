import { createHash } from 'node:crypto'

/** Canonical JSON: keys sorted, no whitespace, so equal specs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonical JSON cannot encode ${value}`)
    if (value === undefined) throw new TypeError('canonical JSON cannot encode undefined')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** A run's identity: sha256 of the canonical JSON of its full (defaults-applied) spec. */
export function configHash(spec: unknown): string {
  return sha256Hex(canonicalJson(spec))
}
