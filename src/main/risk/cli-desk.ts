import { existsSync } from 'node:fs'
import type { z } from 'zod'
import { ApiError } from '../../shared/contract'
import { systemClock } from '../clock'
import { StoreOpenError, openDatabase } from '../store/database'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import type { Fail } from './cli-flags'
import { inProcessRunner } from './engine-equity'
import { PortfolioDesk } from './portfolio-desk'
import { PortfolioService } from './portfolio-service'

/**
 * The CLI's way to the risk desk: `portfolio stress` and `portfolio walk-forward` call the same
 * PortfolioDesk the router calls (lab runs in this process instead of the engine's), so what
 * they report is logged in the portfolio's chained log like a run from the Risk view, and a
 * request asked before is answered from the log.
 */

/** The portfolio a desk command works on: `--id`, a stored portfolio's id. */
export function portfolioIdFlag(sub: string, text: string | undefined, fail: Fail): number {
  if (text === undefined || !/^[1-9]\d*$/.test(text)) fail(`portfolio ${sub} needs --id, a stored portfolio's id such as 1 (got ${JSON.stringify(text)}; make one with \`portfolio create\`)`)
  return Number(text)
}

/** A request parsed by its contract schema; a refusal names the flag of the field it is about. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, flags: Readonly<Record<string, string>>, fail: Fail): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const field = issue.path.map(String)
  const flag = flags[field[0] ?? ''] ?? field.join('.')
  fail(`${flag}: ${issue.message}`)
}

/** Opens the store read-write, hands `use` a desk over it, and closes it; store and API refusals become the one-line usage failure. */
export async function withDesk<T>(file: string, fail: Fail, use: (desk: PortfolioDesk) => Promise<T> | T): Promise<T> {
  if (!existsSync(file)) fail(`${file} does not exist`)
  let db
  try {
    db = openDatabase(file)
    const runs = new RunsRepository(db)
    const portfolios = new PortfoliosRepository(db)
    const service = new PortfolioService(runs, portfolios, systemClock)
    return await use(new PortfolioDesk({ runs, portfolios, service, log: new PortfolioLogRepository(db), runner: inProcessRunner, clock: systemClock }))
  } catch (error) {
    if (error instanceof StoreOpenError || error instanceof ApiError) fail(error.message)
    throw error
  } finally {
    db?.close()
  }
}
