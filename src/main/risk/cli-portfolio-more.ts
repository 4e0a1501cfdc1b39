import type { Fail } from './cli-flags'
import { commandCrowding, type CrowdingValues } from './cli-crowding'
import { commandStress, type StressValues } from './cli-stress'
import { commandWalkForward, type WalkForwardValues } from './cli-walk-forward'

/**
 * The `portfolio` subcommands beyond `risk`, each in its own file; cli-portfolio.ts dispatches
 * here and hands in its `fail` (one line on stderr, exit code 2, nothing written).
 */
export type MorePortfolioValues = WalkForwardValues & StressValues & CrowdingValues

/** What cli-portfolio.ts lends its subcommands: its one-line failure. */
export interface PortfolioTools {
  fail: Fail
}
type Subcommand = (positionals: string[], values: MorePortfolioValues, tools: PortfolioTools) => Promise<void>

export const MORE_PORTFOLIO_COMMANDS: Readonly<Record<string, Subcommand>> = {
  stress: (positionals, values, tools) => commandStress(positionals, values, tools.fail),
  'walk-forward': (positionals, values, tools) => commandWalkForward(positionals, values, tools.fail),
  crowding: (positionals, values, tools) => Promise.resolve(commandCrowding(positionals, values, tools.fail))
}

export function morePortfolioCommand(sub: string | undefined): Subcommand | undefined {
  return sub !== undefined && Object.hasOwn(MORE_PORTFOLIO_COMMANDS, sub) ? MORE_PORTFOLIO_COMMANDS[sub] : undefined
}
