import { wholeRunReport, type Lab } from '../../engine/kernel'
import { stressLabels } from '../price-series'
import { FUNDING_BASIS_PRESETS, FundingBasisConfigSchema, fundingBasisStressMenu, type FundingBasisConfig } from './config'
import { fundingBasisExecution } from './execution'
import { simulateFundingBasisMarket, type FundingBasisMarket } from './market'
import { fundingBasisReport } from './metrics'
import { FUNDING_BASIS_ACTIONS, FundingBasisObservation, LEGS, actionToTarget, baselinePolicy, sideOf, type FundingBasisAction } from './policy'
import { basisTermStructure, readBasisFeatures } from './surface'

// The carry trade wired into the kernel (seed 003, microstructure-lab notebook 03): an additive
// currency book on strategy.notional per leg. Step t marks the legs held into t (basis move and
// funding), then trades to the new target; a drawdown stop forces the book flat.

export const fundingBasisLab: Lab<FundingBasisConfig, FundingBasisMarket, FundingBasisObservation, FundingBasisAction> = {
  id: 'funding-basis',
  title: 'Funding/basis carry — delta-neutral perp vs spot',
  origin: { kind: 'seed', seed: 'microstructure-lab notebook 03 (funding/basis arb)' },
  description:
    'Delta-neutral carry between a perpetual swap and spot: an OU perp–spot basis with calm/stressed volatility, funding paid from the basis every interval, threshold entry in the funding-earning direction and exit on mean reversion; P&L split into carry, basis mark and costs.',
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'curve', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'strategy.entry_threshold_bps', values: [5, 10, 20, 40] }, { path: 'execution_params.taker_fee_bps', values: [1, 2, 4, 8] }],
      metric: 'total_pnl',
      why: 'The basis a trade waits for against the taker fee it has to clear on both legs.'
    }
  },
  config: { schema: FundingBasisConfigSchema, presets: FUNDING_BASIS_PRESETS },
  actions: FUNDING_BASIS_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: ['carry', 'basis'],
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.T,
  regimes: (c) => c.regimes.names,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk_params.capital }),
  decisionEvery: (c) => c.policy_params.decision_every,

  market: (c) => simulateFundingBasisMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  /**
   * P&L of holding [q_s, q_p] over (t−1, t], in currency.
   * basis: N·(q_s·r_s + q_p·r_p) written as N·((q_s + q_p)·r_s + q_p·(1 + r_s)·ΔX/(1e4 + X_{t−1})),
   *   since perp = spot·(1 + X/1e4) gives r_p − r_s = (1 + r_s)·ΔX/(1e4 + X_{t−1}); the first term is
   *   0 for the hedged book every action maps to, so this is the mark of the basis change.
   * carry: the short perp receives funding: −q_p·N·F/1e4, F accrued per step (faithful) or paid at
   *   funding times (corrected).
   */
  mark(m, t, position, c, out) {
    const qs = position[0]!
    const qp = position[1]!
    const N = c.strategy.notional
    const rs = m.spot[t]! / m.spot[t - 1]! - 1
    const dX = m.basis[t]! - m.basis[t - 1]!
    const rate = c.corrections.funding === 'discrete' ? m.fundingPaid[t]! : m.fundingAccrual[t]!
    out[0] = (-qp * N * rate) / 1e4
    out[1] = N * ((qs + qp) * rs + qp * ((1 + rs) * dX) / (1e4 + m.basis[t - 1]!))
  },
  observation: (c) => new FundingBasisObservation(c),
  observe(context, o) {
    const { market: m, t, config: c } = context
    o.t = t
    o.regime = m.regime[t]!
    o.regimeName = c.regimes.names[o.regime] ?? String(o.regime)
    readBasisFeatures(m, t, o)
    o.side = sideOf(context.position)
  },
  baseline: (o) => baselinePolicy(o),
  target(action, _o, context, out) {
    actionToTarget(action, context.config.strategy.position_size, out)
  },
  risk: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'flatten' }
  }),
  execution: fundingBasisExecution,
  surface: basisTermStructure,

  report: (c, m) => wholeRunReport(fundingBasisLab, c, m, (run) => fundingBasisReport(run, c)),
  stressMenu: fundingBasisStressMenu,
  priceSeries: {
    name: 'spot',
    series: (c) => {
      const m = simulateFundingBasisMarket(c)
      return { closes: m.spot, labels: stressLabels(m.regime) }
    }
  }
}
