import type { StepContext } from '../../engine/kernel'
import type { CryptoArbConfig } from './config'
import { cryptoArbExecution } from './execution'
import type { CryptoMarket } from './market'
import { CryptoArbObservation, baselinePolicy, observeInto, targetOf, type CryptoArbAction } from './policy'

// The run's own loop, replayed on a market the kernel has not driven. A trade's latency and drift
// draws come from the market's generator, so the quotes after a trade depend on the trades: a view
// that simulates the market from the config (labs/surfaces.ts) must replay the loop to see the
// frames the run saw. The replay is the kernel's step for this lab — observe, the baseline
// decision, target, the fill model, position = position + executed trade — with nothing in
// between: the lab's risk limits are empty, its marks are zero and its decision cadence is 1, so
// the kernel's gate and ledger change nothing the market reads (the RiskManager lives in the
// market). The state is kept per market object, so scrubbing replays each step once.

interface Replay {
  readonly context: StepContext<CryptoArbConfig, CryptoMarket, CryptoArbAction>
  readonly observation: CryptoArbObservation
  readonly execution: ReturnType<typeof cryptoArbExecution>
  readonly target: Float64Array
  readonly trade: Float64Array
  readonly cost: Float64Array
  readonly pnl: Float64Array
}

const replays = new WeakMap<CryptoMarket, Replay>()

function replayOf(m: CryptoMarket): Replay {
  let r = replays.get(m)
  if (r === undefined) {
    const c = m.config
    r = {
      context: { t: 0, config: c, market: m, position: new Float64Array(1), equity: 0, drawdown: 0, leverage: 0, lastAction: 'hold', cumulativeCost: 0, lastCost: 0 },
      observation: new CryptoArbObservation(m, c.policy.kind, c.session.agent_interval),
      execution: cryptoArbExecution(c),
      target: new Float64Array(1),
      trade: new Float64Array(1),
      cost: new Float64Array(2),
      pnl: new Float64Array(1)
    }
    replays.set(m, r)
  }
  return r
}

/**
 * Session steps up to t (at most the session's last) run as the baseline run runs them, trades
 * included. Only for a market no loop drives: a market the kernel is running is never stepped here.
 */
export function replayTo(m: CryptoMarket, t: number): void {
  if (m.driver === 'loop') return
  m.driver = 'replay'
  const r = replayOf(m)
  const { context, observation, target, trade } = r
  const last = Math.min(t, m.steps - 1)
  while (m.sessionStep < last) {
    const s = m.sessionStep + 1
    context.t = s
    observeInto(context, observation)
    const decision = baselinePolicy(observation)
    targetOf(decision.action, observation, context, target)
    trade[0] = target[0]! - context.position[0]!
    r.execution.execute(trade, context, r.cost, r.pnl)
    context.position[0] = context.position[0]! + trade[0]!
    context.lastAction = decision.action
  }
}
