import { expect } from 'vitest'
import { mechanica } from '../cli-test-support'

/** For the portfolio CLI tests: each call fails with exit code 2 and one line on stderr matching its message. */
export async function expectRefusals(cases: ReadonlyArray<readonly [string[], RegExp]>): Promise<void> {
  for (const [args, message] of cases) {
    const out = await mechanica(...args)
    expect(out.code, args.join(' ')).toBe(2)
    expect(out.stderr).toMatch(message)
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
  }
}
