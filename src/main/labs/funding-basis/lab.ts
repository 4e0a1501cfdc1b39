import type { ExecutionModel, LabDefinition, LabRun, PnlComponents, StepContext } from '../../engine/kernel'
import type { LabModule } from '../lab-module'
import { stressLabels } from '../price-series'
import { CALM, FUNDING_BASIS_PRESETS, FundingBasisConfigSchema, resolveConfig, type FundingBasisConfig } from './config'
import { basisTermStructure, ouCoefficients, simulateFundingBasisMarket, type FundingBasisMarket } from './market'
import { FUNDING_BASIS_ACTIONS, LEGS, actionToLegs, baselinePolicy, sideOf, type FundingBasisAction, type FundingBasisObservation } from './policy'
import { fundingBasisMetrics, fundingBasisTelemetry } from './report'

// The carry trade wired into the kernel: an additive currency book on strategy.notional per leg.
// Step t marks the legs held into t (basis move and funding), then trades to the new target.

type Context = StepContext<FundingBasisConfig, FundingBasisMarket, FundingBasisAction>

export const PNL_COMPONENTS = ['carry', 'basis'] as const
export const COST_COMPONENTS = ['fees', 'slippage'] as const

/**
 * P&L of holding [q_s, q_p] over (t−1, t], in currency.
 * basis: N·(q_s·r_s + q_p·r_p) written as N·((q_s + q_p)·r_s + q_p·(1 + r_s)·ΔX/(1e4 + X_{t−1})),
 *   since perp = spot·(1 + X/1e4) gives r_p − r_s = (1 + r_s)·ΔX/(1e4 + X_{t−1}); the first term is
 *   0 for the hedged book every action maps to, so this is the mark of the basis change.
 * carry: the short perp receives funding: −q_p·N·F/1e4, F accrued per step (faithful) or paid at
 *   funding times (corrected).
 */
export function markPosition(market: FundingBasisMarket, t: number, position: Float64Array, config: FundingBasisConfig): PnlComponents {
  const qs = position[0] ?? 0
  const qp = position[1] ?? 0
  const N = config.strategy.notional
  const rs = market.spot[t]! / market.spot[t - 1]! - 1
  const dX = market.basis[t]! - market.basis[t - 1]!
  const basis = N * ((qs + qp) * rs + qp * ((1 + rs) * dX) / (1e4 + market.basis[t - 1]!))
  const rate = config.corrections.funding === 'discrete' ? market.fundingPaid[t]! : market.fundingAccrual[t]!
  return { carry: (-qp * N * rate) / 1e4, basis }
}

/** Taker fee + regime slippage in bps of notional on the traded legs (faithful: the scalar basis leg only). */
export function fundingBasisExecution(config: FundingBasisConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const N = config.strategy.notional
  return {
    name: 'taker fee + regime slippage per leg',
    components: COST_COMPONENTS,
    cost(trade, context) {
      const spot = Math.abs(trade[0] ?? 0)
      const perp = Math.abs(trade[1] ?? 0)
      const turnover = config.corrections.fee_legs === 'both_legs' ? spot + perp : perp
      const slippageBps = context.market.regime[context.t] === CALM ? ep.slippage_bps_calm : ep.slippage_bps_stressed
      const fees = (ep.taker_fee_bps * turnover * N) / 1e4
      const slippage = (slippageBps * turnover * N) / 1e4
      return { total: fees + slippage, components: { fees, slippage } }
    }
  }
}

function observe(context: Context): FundingBasisObservation {
  const { market: m, t, config: c } = context
  const mp = c.market_params
  const regime = m.regime[t]!
  const sd = mp.basis_sigma_calm_bps * ouCoefficients(mp.basis_kappa, c.dt).stationaryScale
  let lastFunding = 0
  for (let s = t; s > 0; s--) {
    if (m.fundingTime[s] === 1) {
      lastFunding = m.fundingPaid[s]!
      break
    }
  }
  return {
    t,
    regime,
    regimeName: c.regimes.names[regime] ?? String(regime),
    basisBps: m.basis[t]!,
    basisZ: sd > 0 ? (m.basis[t]! - mp.basis_mean_bps) / sd : 0,
    predictedFundingBps: m.predictedFunding[t]!,
    lastFundingBps: lastFunding,
    side: sideOf(context.position),
    entryBps: c.strategy.entry_threshold_bps,
    exitBps: c.strategy.exit_threshold_bps
  }
}

export const fundingBasisLab: LabDefinition<FundingBasisConfig, FundingBasisMarket, FundingBasisObservation, FundingBasisAction> = {
  id: 'funding-basis',
  title: 'Funding/basis carry — delta-neutral perp vs spot',
  // not a book chapter: microstructure-lab notebook 03
  chapter: 0,
  description:
    'Delta-neutral carry between a perpetual swap and spot: an OU perp–spot basis with calm/stressed volatility, funding paid from the basis every interval, threshold entry in the funding-earning direction and exit on mean reversion; P&L split into carry, basis mark and costs.',
  configSchema: FundingBasisConfigSchema,
  presets: FUNDING_BASIS_PRESETS,
  actions: FUNDING_BASIS_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  seedOf: (c) => c.seed,
  regimeNames: (c) => c.regimes.names,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk_params.capital }),
  decisionEvery: (c) => c.policy_params.decision_every,
  simulateMarket: simulateFundingBasisMarket,
  steps: (c) => c.T,
  finalMark: false,
  regimeAt: (m, t) => m.regime[t]!,
  mark: markPosition,
  observe,
  surface: basisTermStructure,
  baseline: baselinePolicy,
  actionToTarget: (action, _o, context) => actionToLegs(action, context.config.strategy.position_size),
  riskRules: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'flatten' }
  }),
  execution: fundingBasisExecution
}

/** One factor at a time against the frozen base. */
export function fundingBasisStressMenu(config: FundingBasisConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const mp = config.market_params
  const ep = config.execution_params
  const P = config.regimes.P
  const toStress = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  return [
    { name: 'taker fees doubled', overrides: { 'execution_params.taker_fee_bps': 2 * ep.taker_fee_bps } },
    { name: 'slippage doubled', overrides: { 'execution_params.slippage_bps_calm': 2 * ep.slippage_bps_calm, 'execution_params.slippage_bps_stressed': 2 * ep.slippage_bps_stressed } },
    { name: 'basis volatility +50%', overrides: { 'market_params.basis_sigma_calm_bps': 1.5 * mp.basis_sigma_calm_bps, 'market_params.basis_sigma_stressed_bps': 1.5 * mp.basis_sigma_stressed_bps } },
    { name: 'mean reversion twice as slow (κ halved)', overrides: { 'market_params.basis_kappa': mp.basis_kappa / 2 } },
    { name: 'funding interval doubled', overrides: { 'market_params.funding_interval_steps': 2 * mp.funding_interval_steps } },
    { name: 'funding noise doubled', overrides: { 'market_params.funding_noise_bps': 2 * mp.funding_noise_bps } },
    { name: 'stress entered twice as often', overrides: { 'regimes.P': [[1 - toStress, toStress], [...(P[1] ?? [0, 1])]] } },
    { name: 'decisions once per funding interval', overrides: { 'policy_params.decision_every': mp.funding_interval_steps } }
  ]
}

export const fundingBasisModule: LabModule = {
  definition: fundingBasisLab,
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'curve', phaseSpace: false },
    regimePriceSeries: 'spot',
    suggestedSweep: {
      axes: [{ path: 'strategy.entry_threshold_bps', values: [5, 10, 20, 40] }, { path: 'execution_params.taker_fee_bps', values: [1, 2, 4, 8] }],
      metric: 'total_pnl',
      why: 'The basis a trade waits for against the taker fee it has to clear on both legs.'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => fundingBasisMetrics(run as LabRun<FundingBasisMarket>, config as FundingBasisConfig),
  telemetry: (run, config) => fundingBasisTelemetry(run as LabRun<FundingBasisMarket>, config as FundingBasisConfig),
  stressMenu: (config) => fundingBasisStressMenu(config as FundingBasisConfig),
  priceSeries: (config) => {
    const m = simulateFundingBasisMarket(config as FundingBasisConfig)
    return { name: 'spot', closes: m.spot, labels: stressLabels(m.regime) }
  }
}

export { resolveConfig }
