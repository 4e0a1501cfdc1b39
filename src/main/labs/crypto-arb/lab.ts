import { wholeRunReport, type Lab } from '../../engine/kernel'
import { CRYPTO_ARB_PRESETS, CRYPTO_ARB_PROFILES, CryptoArbConfigSchema, cryptoArbStressMenu, type CryptoArbConfig } from './config'
import { PNL_COMPONENTS, cryptoArbExecution } from './execution'
import { INITIAL_CAPITAL } from './desk'
import { cryptoArbMarket, type CryptoMarket } from './market'
import { cryptoArbReport } from './metrics'
import { CRYPTO_ARB_ACTIONS, CryptoArbObservation, LEGS, baselinePolicy, observeInto, targetOf, type CryptoArbAction } from './policy'
import { venueSurface } from './surface'

// Chapter 1 wired into the kernel (book ch.1; notebook CELLS 2–10). Kernel step t is CELL 8's loop
// index t: observe runs engine.step() and scanner.scan(); the policy decides at agent ticks; the
// execution model runs the RiskManager and ExecutionEngine (whose latency and drift draws come from
// the same generator as the market) and books gross P&L, fees and withdrawal. Equity is cash: there
// is no inventory to mark — except in the transfer and perpetual scenarios (inventory.ts), where the
// fill model books gross as the change in the desk's marked equity.

export const REGIME_NAMES = ['no opportunity', 'opportunity'] as const

const REPORT_COLUMNS = ['action'] as const

export const cryptoArbLab: Lab<CryptoArbConfig, CryptoMarket, CryptoArbObservation, CryptoArbAction> = {
  id: 'crypto-arb',
  title: 'Crypto cross-venue arbitrage — scanner, risk gate and execution',
  origin: { kind: 'book', chapter: 1, notebook: 'notebooks/CHAPTER 1.ipynb' },
  description:
    'Five venues quote ten crypto assets around a latent consensus price, each with a persistent bias, an AR(1) deviation and occasional dislocations; a scanner ranks cross-venue spreads net of fees, slippage, withdrawal and latency, a RiskManager gates sizes, drawdown and losses, and an execution engine fills both legs with latency drift, book walk and impact. The book’s decision-maker is an LLM; here the policy is the workstation’s baseline, not the book’s: take the top-ranked opportunity at its optimal size every fifth tick (policy.kind = "none" is the notebook with its LLM unreachable: it never trades). The faithful preset runs the notebook as a fresh kernel would, 102 pre-session ticks included; with its default scales the spreads are hundreds of bps, so the thin_edges profiles show edges that slippage and costs eat (latency changes little). The corrected preset unwinds a one-legged trade’s inventory, keeps bought coins in transit for settlement and network confirmation before they can be sold, leaves the position limit room above the scanner’s size cap, and takes whole venues down for outages that last. The perpetuals profiles trade the spread as long/short perpetual pairs margined per venue, with funding and liquidation in the cost decomposition.',
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'risk.min_spread_bps', values: [5, 100, 200, 300] }, { path: 'exchanges.citadel.taker_fee_bps', values: [10, 40, 80] }],
      metric: 'realized_pnl',
      why: 'The minimum edge against the cheapest venue’s fee: net P&L against trade count as the threshold rises (book ch.1 threshold sweep and fee stress).'
    }
  },
  config: { schema: CryptoArbConfigSchema, presets: CRYPTO_ARB_PRESETS, profiles: CRYPTO_ARB_PROFILES },
  actions: CRYPTO_ARB_ACTIONS,
  flatAction: 'hold',
  // CELL 8 counts executed arbitrages only: `hold` is the kernel's waiting tick, not a notebook action
  countedActions: ['execute_arb'],
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.session.num_ticks,
  // no regimes in the notebook: a step is labelled by whether the scanner found anything
  regimes: () => REGIME_NAMES,
  // CELL 5: $1,000,000 of cash across five venues; equity = cash
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_CAPITAL }),
  decisionEvery: () => 1,

  market: (c) => cryptoArbMarket(c),
  regimeAt: (m, t) => (m.oppCount[t]! > 0 ? 1 : 0),
  mark(_m, _t, _position, _c, out) {
    out[0] = 0
  },
  observation: (c, m) => new CryptoArbObservation(m, c.policy.kind, c.session.agent_interval),
  observe: observeInto,
  baseline: baselinePolicy,
  target: targetOf,
  risk: () => ({}),
  execution: cryptoArbExecution,
  surface: venueSurface,

  report: (c, m) => wholeRunReport(cryptoArbLab, c, m, (run) => cryptoArbReport(run, c), REPORT_COLUMNS),
  stressMenu: cryptoArbStressMenu
}
