/** Deep-merges preset or user overrides into a config object (arrays and scalars replace). */
export function deepMerge<T>(base: T, overrides: Record<string, unknown>): T {
  if (overrides === null || typeof overrides !== 'object') return base
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key]
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
        ? deepMerge(current, value as Record<string, unknown>)
        : value
  }
  return out as T
}

/** A dotted override path that cannot name a config key: an empty segment, or one that would reach a prototype. */
export class KeyPathError extends Error {
  constructor(readonly path: string) {
    super(`"${path}" is not a valid key path`)
    this.name = 'KeyPathError'
  }
}

/** Sets `a.b.c = value` from a `--set a.b.c=value` style path, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.')
  if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
    throw new KeyPathError(path)
  }
  const root: Record<string, unknown> = { ...target }
  let node = root
  keys.forEach((key, i) => {
    if (i === keys.length - 1) node[key] = value
    else {
      const next = node[key]
      const copy = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {}
      node[key] = copy
      node = copy
    }
  })
  return root
}
