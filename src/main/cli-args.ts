// What every CLI command shares: the usage error (one line on stderr, exit code 2) and the
// parsing of --seed and --set.

/** A mistake in how the CLI was called: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message)
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const seed = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > 0xffff_ffff) fail(`--seed must be a whole number from 0 to 4294967295 (got ${JSON.stringify(text)})`)
  return seed
}

/** Parses a `--set` style value: JSON when it parses (numbers, booleans, arrays), else a string. */
function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function parseSets(sets: string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {}
  for (const item of sets) {
    const eq = item.indexOf('=')
    if (eq <= 0) fail(`--set expects path.to.key=value (got ${JSON.stringify(item)})`)
    overrides[item.slice(0, eq)] = parseOverrideValue(item.slice(eq + 1))
  }
  return overrides
}
