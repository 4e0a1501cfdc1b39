import { defaultRng, type Generator } from '../../engine/rng'
import { choiceCdf, searchSortedRight } from '../../engine/rng/distributions'
import { npMean, npSum } from '../common/numpy'
import { CALM, STRESS, TRANSITION, type CascadeConfig } from './config'

// The system of chapter 10, simulated up front from the seed: it steps inside the notebook's loop
// but never reads the agent's trades (book ch.10 §6.1: "the agent never moves the market"), so
// the path is a function of the config alone. Institution arrays are T × N, row-major.

export const INITIAL_EQUITY = 1_000_000
export const PRICE0 = 100
// notebook cell 11: regime-level funding, margin and risk-aversion targets; φ = 0.92
const FUNDING_BASE = [0.02, 0.04, 0.09]
const MARGIN_BASE = [0.35, 0.55, 0.78]
const RA_BASE = [0.8, 1.2, 2.0]
const PHI = 0.92
// notebook cell 16: make_exposure_graph(N, density=0.22, scale=0.25)
const GRAPH_DENSITY = 0.22
const GRAPH_SCALE = 0.25

export interface CascadeMarket {
  T: number
  N: number
  regime: Int32Array
  funding: Float64Array
  margin: Float64Array
  riskAversion: Float64Array
  /** Row-normalised exposures W (N × N): W[i, j] is i's exposure to j; contagion is W · distress. */
  W: Float64Array
  /** The drawn (or configured) exposures before row normalisation. */
  rawExposures: Float64Array
  /** Per step, after the system step at t (the notebook's sys.price and surface summary). */
  price: Float64Array
  cascadePressure: Float64Array
  avgDistress: Float64Array
  maxDistress: Float64Array
  insolventCount: Int32Array
  forcedSaleTotal: Float64Array
  impact: Float64Array
  /**
   * Per step and institution (T × N), after the step. Only the surface reads them, so the run's
   * market keeps two rolling rows and these are filled on first read by a second, identical pass.
   */
  readonly distress: Float64Array
  readonly equity: Float64Array
  readonly leverage: Float64Array
  readonly risk: Float64Array
  readonly forcedSale: Float64Array
  readonly contagion: Float64Array
  /** The initial system (before step 0). */
  equity0: Float64Array
  leverage0: Float64Array
  risk0: Float64Array
  /** The run's portfolio state, set by the lab's observation() for each run. */
  run: CascadeRunState
}

/**
 * The notebook's PortfolioState as the run advances (cell 21), which the kernel's ledger does not
 * keep in the notebook's float order: the equity before the step (leverage cap, baseline
 * leverage), its own peak and drawdown (the stop), and the logged columns the kernel has no
 * column for. One per run, allocated once.
 */
export class CascadeRunState {
  equity: number
  peak: number
  position: number
  lastPrice = PRICE0
  cumCost = 0
  stopped = false
  stoppedAt = -1
  readonly trade: Float64Array
  readonly dd: Float64Array
  readonly cumCostAt: Float64Array
  readonly equityAt: Float64Array
  readonly stopFlag: Uint8Array
  readonly posLimitHit: Uint8Array
  readonly leverageCapHit: Uint8Array

  constructor(
    steps: number,
    readonly initialPosition: number
  ) {
    this.equity = INITIAL_EQUITY
    this.peak = INITIAL_EQUITY
    this.position = initialPosition
    this.trade = new Float64Array(steps)
    this.dd = new Float64Array(steps)
    this.cumCostAt = new Float64Array(steps)
    this.equityAt = new Float64Array(steps)
    this.stopFlag = new Uint8Array(steps)
    this.posLimitHit = new Uint8Array(steps)
    this.leverageCapHit = new Uint8Array(steps)
  }
}

/** The opening position: the notebook's 0.80 units, or initial_exposure × equity notional (corrected). */
export function initialPosition(config: CascadeConfig): number {
  return config.corrections.position_sizing === 'units' ? 0.8 : (config.corrections.initial_exposure * INITIAL_EQUITY) / PRICE0
}

// notebook cell 11 (sample_markov_chain, then the AR(1) states), one default_rng(seed) stream:
// every regime draw first (Generator.choice), then per t > 0 funding, margin, risk aversion.
function simulateStates(config: CascadeConfig) {
  const { T } = config
  const rng = defaultRng(config.seed)
  const P = config.regimes.markov_P
  // Generator.choice(3, p=P[s]) is searchsorted(cumsum(p), random(), 'right'): the tables built once
  const cdf = P.map((row) => choiceCdf(row, P.length))
  const regime = new Int32Array(T)
  for (let t = 1; t < T; t++) regime[t] = searchSortedRight(cdf[regime[t - 1]!]!, rng.random())
  const funding = new Float64Array(T)
  const margin = new Float64Array(T)
  const riskAversion = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    const j = regime[t]!
    if (t === 0) {
      funding[t] = FUNDING_BASE[j]!
      margin[t] = MARGIN_BASE[j]!
      riskAversion[t] = RA_BASE[j]!
    } else {
      funding[t] = PHI * funding[t - 1]! + (1 - PHI) * FUNDING_BASE[j]! + 0.002 * rng.standardNormal()
      margin[t] = clip(PHI * margin[t - 1]! + (1 - PHI) * MARGIN_BASE[j]! + 0.02 * rng.standardNormal(), 0, 1)
      riskAversion[t] = clip(PHI * riskAversion[t - 1]! + (1 - PHI) * RA_BASE[j]! + 0.1 * rng.standardNormal(), 0.2, 4)
    }
  }
  return { regime, funding, margin, riskAversion }
}

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x)

/**
 * np.median of values[start, start + n): the middle order statistic, or the mean of the two middle
 * ones. An insertion sort in Float64Array.prototype.sort's order (−0 before +0, NaN last), which
 * gives the same sorted row: the built-in's call cost ≈ 0.4 µs on 18 values, a fifth of a step.
 */
export function median(values: Float64Array, start: number, scratch: Float64Array): number {
  const n = scratch.length
  for (let i = 0; i < n; i++) {
    const x = values[start + i]!
    let k = i
    while (k > 0 && sortsBefore(x, scratch[k - 1]!)) {
      scratch[k] = scratch[k - 1]!
      k--
    }
    scratch[k] = x
  }
  const mid = n >> 1
  return n % 2 === 1 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2
}

/** TypedArray sort's order without a comparator: numeric, −0 before +0, NaN after every number. */
const sortsBefore = (a: number, b: number): boolean => a < b || (a === 0 && b === 0 && 1 / a < 1 / b) || (a === a && b !== b)

// notebook cell 16 (init_system on a fresh default_rng(seed), as run_backtest builds it):
// equity, leverage and risky holdings, then the graph (uniform mask, lognormal weights).
function initSystem(config: CascadeConfig, rng: Generator, N: number) {
  const equity = new Float64Array(N)
  const leverage = new Float64Array(N)
  const risk = new Float64Array(N)
  for (let i = 0; i < N; i++) equity[i] = rng.lognormal(0, 0.35)
  for (let i = 0; i < N; i++) leverage[i] = clip(rng.normal(1.8, 0.35), 1, 3)
  for (let i = 0; i < N; i++) risk[i] = equity[i]! * (leverage[i]! - 1) * rng.uniform(0.6, 1.2)
  const mask = new Uint8Array(N * N)
  for (let k = 0; k < N * N; k++) mask[k] = rng.random() < GRAPH_DENSITY ? 1 : 0
  for (let i = 0; i < N; i++) mask[i * N + i] = 0
  const raw = new Float64Array(N * N)
  for (let k = 0; k < N * N; k++) {
    const w = rng.lognormal(-2.2, 0.6)
    raw[k] = mask[k]! * w * GRAPH_SCALE
  }
  const configured = config.market_params.exposures
  if (configured !== null) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) raw[i * N + j] = configured[i]![j]!
  // W / (row sum + 1e-12), the row sum in NumPy's pairwise order
  const W = new Float64Array(N * N)
  for (let i = 0; i < N; i++) {
    const rowSum = npSum(raw, i * N, N) + 1e-12
    for (let j = 0; j < N; j++) W[i * N + j] = raw[i * N + j]! / rowSum
  }
  return { equity, leverage, risk, W, raw }
}

/** W's non-zero entries row by row (compressed rows), in column order. */
function nonZeroLinks(W: Float64Array, N: number) {
  const rowStart = new Int32Array(N + 1)
  let count = 0
  for (let k = 0; k < N * N; k++) if (W[k] !== 0) count++
  const column = new Int32Array(count)
  const weight = new Float64Array(count)
  let e = 0
  for (let i = 0; i < N; i++) {
    rowStart[i] = e
    for (let k = 0; k < N; k++) {
      const w = W[i * N + k]!
      if (w === 0) continue
      column[e] = k
      weight[e++] = w
    }
  }
  rowStart[N] = e
  return { rowStart, column, weight }
}

/** The institutions after each step: all T rows, or two rolling ones (row t at t mod 2). */
interface InstitutionRows {
  rolling: boolean
  distress: Float64Array
  equity: Float64Array
  leverage: Float64Array
  risk: Float64Array
  forcedSale: Float64Array
  contagion: Float64Array
}

function institutionRows(rows: number, N: number, rolling: boolean): InstitutionRows {
  const f = () => new Float64Array(rows * N)
  return { rolling, distress: f(), equity: f(), leverage: f(), risk: f(), forcedSale: f(), contagion: f() }
}

/** The per-step system summary (the notebook's sys.price and surface summary). */
type StepSummary = Pick<CascadeMarket, 'price' | 'cascadePressure' | 'avgDistress' | 'maxDistress' | 'insolventCount' | 'forcedSaleTotal' | 'impact'>

/**
 * The whole system path for a config: regimes and states, the initial system, then T system
 * steps. The run needs only the per-step summary, so the institutions are kept in two rolling
 * rows; the T × N path the surface reads is the same simulation run again on first read.
 */
export function cascadeMarket(config: CascadeConfig): CascadeMarket {
  const { T } = config
  const N = config.market_params.N_institutions
  const states = simulateStates(config)
  const init = initSystem(config, defaultRng(config.seed), N)
  const summary: StepSummary = {
    price: new Float64Array(T),
    cascadePressure: new Float64Array(T),
    avgDistress: new Float64Array(T),
    maxDistress: new Float64Array(T),
    insolventCount: new Int32Array(T),
    forcedSaleTotal: new Float64Array(T),
    impact: new Float64Array(T)
  }
  stepSystem(config, states, init, institutionRows(2, N, true), summary)
  let path: InstitutionRows | null = null
  const institutions = (): InstitutionRows => {
    if (path === null) {
      path = institutionRows(T, N, false)
      stepSystem(config, states, init, path, null)
    }
    return path
  }
  return {
    T,
    N,
    ...states,
    W: init.W,
    rawExposures: init.raw,
    ...summary,
    get distress() {
      return institutions().distress
    },
    get equity() {
      return institutions().equity
    },
    get leverage() {
      return institutions().leverage
    },
    get risk() {
      return institutions().risk
    },
    get forcedSale() {
      return institutions().forcedSale
    },
    get contagion() {
      return institutions().contagion
    },
    equity0: init.equity,
    leverage0: init.leverage,
    risk0: init.risk,
    run: new CascadeRunState(T, initialPosition(config))
  }
}

/**
 * notebook cell 16: T system steps from the initial system. Step t reads the institutions after
 * step t − 1 (the initial system at t = 0) and writes its own row in place, so a step allocates
 * nothing; into `summary` when given, the step's price, cascade pressure and counts.
 */
function stepSystem(
  config: CascadeConfig,
  states: ReturnType<typeof simulateStates>,
  init: ReturnType<typeof initSystem>,
  rows: InstitutionRows,
  summary: StepSummary | null
): void {
  const { T } = config
  const N = config.market_params.N_institutions
  const mp = config.market_params
  const W = init.W
  const { regime, funding, margin, riskAversion } = states
  const { distress, equity, leverage, risk, forcedSale, contagion } = rows
  const boundedSales = config.corrections.forced_sales === 'bounded_by_holdings'
  const impactFeedback = config.corrections.impact_feedback === 'total_return'
  const alpha = mp.contagion_alpha
  const recovery = mp.recovery_speed
  // the institutions before the step: the initial system (distress 0), then the last row
  let eqPrev: Float64Array = init.equity
  let levPrev: Float64Array = init.leverage
  let riskPrev: Float64Array = init.risk
  let dPrev: Float64Array = new Float64Array(N)
  let p = 0
  let price = PRICE0
  let lastImpact = 0
  const scratch = new Float64Array(N)
  const links = nonZeroLinks(W, N)
  let dPrevNaN = false
  const rng = defaultRng(config.seed + 11)
  for (let t = 0; t < T; t++) {
    // notebook cell 16, system_step with default_rng(seed + 11 + t)
    rng.reseed(config.seed + 11 + t)
    const o = (rows.rolling ? t & 1 : t) * N
    const j = regime[t]!
    const mg = margin[t]!
    const fu = funding[t]!
    const vol = mp.base_vol * (j === STRESS ? mp.stress_vol_mult : j === TRANSITION ? 1.4 : 1.0)
    const eps = rng.standardNormal()
    const rFund = mp.base_drift - 0.0004 * riskAversion[t]! + vol * eps
    // corrected: institutions also mark the fire-sale impact (the last step's: this step's needs their sales)
    const rMark = impactFeedback ? rFund + lastImpact : rFund
    const medianPrev = median(eqPrev, p, scratch)
    // W @ distress, row by row in k order; the zero links add +0 to a sum that is never −0, so
    // only the non-zero ones are summed, unless a NaN distress makes 0 · NaN count
    if (dPrevNaN) {
      for (let i = 0; i < N; i++) {
        let c = 0
        for (let k = 0; k < N; k++) c += W[i * N + k]! * dPrev[p + k]!
        contagion[o + i] = alpha * c
      }
    } else {
      const { rowStart, column, weight } = links
      for (let i = 0; i < N; i++) {
        let c = 0
        for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) c += weight[e]! * dPrev[p + column[e]!]!
        contagion[o + i] = alpha * c
      }
    }
    for (let i = 0; i < N; i++) {
      const equityPre = eqPrev[p + i]! + riskPrev[p + i]! * rMark * 0.12
      const buffer = equityPre / (medianPrev + 1e-12)
      const raw = boundedSales ? clip(1 - buffer, 0, 1) : clip(1.0 - clip(buffer, 0, 1.5) / 1.5, 0, 1)
      const d = clip((0.55 * raw + 0.45 * contagion[o + i]!) * (0.7 + 0.6 * mg), 0, 1)
      let sale = d * (levPrev[p + i]! - 1.0) * (0.2 + 0.8 * mg) * (0.6 + 4.0 * fu)
      if (boundedSales) sale = Math.min(sale, riskPrev[p + i]!)
      forcedSale[o + i] = sale
      distress[o + i] = d
      equity[o + i] = equityPre
    }
    const totalForced = npSum(forcedSale, o, N)
    const cp = clip(totalForced / (N * 1.5), 0, 2.5)
    const impact = -mp.impact_kappa * cp
    price = Math.max(1.0, price * (1.0 + (rFund + impact)))
    for (let i = 0; i < N; i++) {
      risk[o + i] = Math.max(riskPrev[p + i]! - forcedSale[o + i]!, 0)
      equity[o + i] = equity[o + i]! - 0.06 * forcedSale[o + i]! * (1.0 + 3.0 * cp)
    }
    if (j === CALM) {
      for (let i = 0; i < N; i++) equity[o + i] = equity[o + i]! + recovery * (medianPrev - equity[o + i]!) * 0.05
      for (let i = 0; i < N; i++) leverage[o + i] = clip(levPrev[p + i]! - 0.01 * recovery + 0.02 * rng.standardNormal(), 1, 3.2)
    } else {
      for (let i = 0; i < N; i++) leverage[o + i] = clip(levPrev[p + i]! + 0.03 * distress[o + i]! + 0.03 * rng.standardNormal(), 1, 4)
    }
    let insolvent = 0
    for (let i = 0; i < N; i++) {
      if (equity[o + i]! <= 0) {
        equity[o + i] = 1e-6
        distress[o + i] = 1
        risk[o + i] = 0
        insolvent++
      }
    }
    let maxD = Number.NEGATIVE_INFINITY
    dPrevNaN = false
    for (let i = 0; i < N; i++) {
      const d = distress[o + i]!
      if (d > maxD) maxD = d
      if (d !== d) dPrevNaN = true
    }
    if (summary !== null) {
      summary.price[t] = price
      summary.cascadePressure[t] = cp
      summary.avgDistress[t] = npMean(distress, o, N)
      summary.maxDistress[t] = maxD
      summary.insolventCount[t] = insolvent
      summary.forcedSaleTotal[t] = totalForced
      summary.impact[t] = impact
    }
    eqPrev = equity
    levPrev = leverage
    riskPrev = risk
    dPrev = distress
    p = o
    lastImpact = impact
  }
}
