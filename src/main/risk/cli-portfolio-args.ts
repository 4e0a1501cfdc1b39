import type { WeightScheme } from '../../shared/contract'

// What the `portfolio` subcommands share: the usage error and the parsing of --runs and --weights.

/** A mistake in how `portfolio` was called: one line on stderr, exit code 2, nothing written. */
export class PortfolioUsageError extends Error {}

export function fail(message: string): never {
  throw new PortfolioUsageError(message)
}

const SCHEMES: readonly WeightScheme[] = ['equal', 'inverse-vol', 'vol-target', 'risk-parity', 'hrp']

/** The weights flag: a scheme name, or fixed weights as a comma list (one per run, summing to 1). */
export function parseWeights(text: string | undefined): { scheme: WeightScheme; fixed?: number[] } {
  if (text === undefined) return { scheme: 'equal' }
  if ((SCHEMES as readonly string[]).includes(text)) return { scheme: text as WeightScheme }
  const parts = text.split(',')
  const fixed = parts.map(Number)
  if (parts.some((p) => p.trim() === '') || fixed.some((w) => !Number.isFinite(w))) fail(`--weights must be ${SCHEMES.join('|')} or fixed weights such as 0.5,0.3,0.2 (got ${JSON.stringify(text)})`)
  return { scheme: 'fixed', fixed }
}

/** The runs flag: run ids separated by commas, each once. */
export function parseRunIds(sub: string, text: string | undefined): number[] {
  if (text === undefined) fail(`portfolio ${sub} needs --runs ID,ID,… (the stored runs to hold as pods)`)
  const runIds = text.split(',').map((s) => s.trim())
  if (runIds.some((s) => !/^[1-9]\d*$/.test(s))) fail(`--runs must be run ids separated by commas, such as 1,2,3 (got ${JSON.stringify(text)})`)
  const ids = runIds.map(Number)
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i)
  if (duplicate !== undefined) fail(`--runs names run #${duplicate} twice`)
  return ids
}
