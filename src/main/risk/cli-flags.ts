/** What the `portfolio` subcommands share in reading their flags. */

/** cli-portfolio.ts's failure: one line on stderr, exit code 2, nothing written. */
export type Fail = (message: string) => never

export function wholeFlag(fail: Fail, flag: string, text: string | undefined, fallback: number | undefined, min: number, max: number): number {
  if (text === undefined) {
    if (fallback === undefined) fail(`${flag} is required`)
    return fallback
  }
  const v = Number(text)
  if (!/^\d+$/.test(text) || v < min || v > max) fail(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`)
  return v
}

/** A RangeError from the engine is bad input (a window too long, a value out of range): the usage failure; anything else is a fault. */
export function rethrowAsUsage(fail: Fail, error: unknown): never {
  if (error instanceof RangeError) fail(error.message)
  throw error
}
