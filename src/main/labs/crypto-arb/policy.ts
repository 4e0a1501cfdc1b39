import type { Decision, StepContext } from '../../engine/kernel'
import type { CryptoArbConfig } from './config'
import type { CryptoMarket } from './market'

/** The loop's one action (CELL 8, `execute_arb`) and waiting. */
export const CRYPTO_ARB_ACTIONS = ['hold', 'execute_arb'] as const
export type CryptoArbAction = (typeof CRYPTO_ARB_ACTIONS)[number]
/** One leg: the notional the arbitrage executed at a step (its buy leg's fill); 0 between trades. */
export const LEGS = ['arb notional'] as const

/** What the policy sees at step t, after the engine step and the scan: one object per run, refilled. */
export class CryptoArbObservation {
  t = 0
  agentTick = false
  count = 0
  bestNet = 0
  topSize = 0
  constructor(
    readonly market: CryptoMarket,
    readonly kind: CryptoArbConfig['policy']['kind'],
    readonly interval: number
  ) {}
}

type Context = StepContext<CryptoArbConfig, CryptoMarket, CryptoArbAction>

/** The session step: engine.step() and scanner.scan() (CELL 8), then what the policy reads. */
export function observeInto(c: Context, o: CryptoArbObservation): void {
  const m = c.market
  if (m.driver === 'none') m.driver = 'loop'
  m.advance(c.t)
  o.t = c.t
  o.count = m.oppCount[c.t]!
  o.bestNet = m.bestNet[c.t]!
  o.topSize = o.count > 0 ? m.opps[0]!.size : 0
  o.agentTick = c.t % o.interval === 0 && o.count > 0
}

const decide = (action: CryptoArbAction, rationale: string): Decision<CryptoArbAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
export const DECISIONS = {
  execute: decide('execute_arb', 'Workstation baseline (not the book’s): the scanner’s top-ranked opportunity at its optimal size.'),
  wait: decide('hold', 'Not an agent tick, or no opportunity: the loop does not ask.'),
  unreachable: decide('hold', 'The notebook with its LLM unreachable: the agent returns empty decisions; the scanner still runs.')
}

/**
 * policy.kind = top_opportunity: at an agent tick (t % agent_interval = 0 with an opportunity) take
 * the scanner's first opportunity at its optimal_size_usd; policy.kind = none: never trade.
 */
export function baselinePolicy(o: CryptoArbObservation): Decision<CryptoArbAction> {
  if (!o.agentTick) return DECISIONS.wait
  return o.kind === 'none' ? DECISIONS.unreachable : DECISIONS.execute
}

/** The target notional: the top opportunity's size when executing, else 0. */
export function targetOf(action: CryptoArbAction, o: CryptoArbObservation, _c: Context, out: Float64Array): void {
  out[0] = action === 'execute_arb' && o.count > 0 ? o.topSize : 0
}
