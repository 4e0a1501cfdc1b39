import { commandWalkForward, type WalkForwardValues } from './cli-walk-forward'

/**
 * The `portfolio` subcommands beyond `risk`, each in its own file; cli-portfolio.ts dispatches
 * here and hands in its `fail` (one line on stderr, exit code 2, nothing written).
 */
export type MorePortfolioValues = WalkForwardValues

type Fail = (message: string) => never
type Subcommand = (positionals: string[], values: MorePortfolioValues, fail: Fail) => Promise<void>

export const MORE_PORTFOLIO_COMMANDS: Readonly<Record<string, Subcommand>> = {
  'walk-forward': commandWalkForward
}

export function morePortfolioCommand(sub: string | undefined): Subcommand | undefined {
  return sub !== undefined && Object.hasOwn(MORE_PORTFOLIO_COMMANDS, sub) ? MORE_PORTFOLIO_COMMANDS[sub] : undefined
}
