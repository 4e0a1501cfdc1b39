import { describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { expectRefusals } from './cli-refusals'
import { crowdingDefaults, crowdingTable } from '../labs/microstructure/crowding'

// `mechanica portfolio crowding`: the built CLI against the table computed in this process.

describe('mechanica portfolio crowding', () => {
  it('prints cost per agent and drawdown amplification as the crowd grows', async () => {
    const out = await mechanica('portfolio', 'crowding', '--agents', '1,3,9', '--set', 'shares=50', '--scenarios', '500', '--seed', '3', '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const json = JSON.parse(out.stdout) as { rows: unknown[]; params: { shares: number } }
    expect(json.params.shares).toBe(50)
    expect(json.rows).toEqual(crowdingTable({ ...crowdingDefaults(), shares: 50 }, [1, 3, 9], { scenarios: 500, seed: 3 }))
  })

  it('refuses bad input in one line with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--agents', '1,x'], /--agents must be whole numbers/],
      [['--set', 'volume=3'], /unknown crowding parameter/],
      [['--set', 'eta=0.0001', '--set', 'gamma=0.001'], /η > γτ\/2/],
      [['--scenarios', '0'], /--scenarios must be a whole number/]
    ]
    await expectRefusals(cases.map(([args, message]) => [['portfolio', 'crowding', ...args], message] as const))
  }, 120_000)
})
