import { RandomState } from '../../engine/rng'
import { exp, log } from '../../engine/rng/libm'
import { VENUES, type CryptoArbConfig, type ExchangeConfig } from './config'

// The notebook's SyntheticPriceEngine (book ch.1; notebook CELLS 2–3): a latent price per asset
// (correlated diffusion, mean reversion, Poisson jumps) quoted by every venue with a structural
// bias, an AR(1) deviation and dislocations, a five-level book per quote and an uptime draw — all
// on NumPy's legacy global RandomState in the notebook's draw order.


export const ASSETS = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'AVAX', 'DOGE', 'LINK', 'DOT'] as const
export const NA = ASSETS.length
export const NV = VENUES.length
export const NM = NA * NV
export const LEVELS = 5

// notebook CELL 2, ASSETS: base price, daily volume, σ_ann, κ, jumps/day, jump mean, jump σ, confirm minutes
const ASSET_TABLE: readonly (readonly [number, number, number, number, number, number, number, number])[] = [
  [67500, 28e9, 0.65, 0.02, 0.3, -0.001, 0.035, 30],
  [3750, 15e9, 0.78, 0.03, 0.4, -0.002, 0.042, 12],
  [178, 3.2e9, 0.95, 0.05, 0.6, 0.0, 0.055, 1],
  [610, 1.8e9, 0.72, 0.04, 0.3, -0.001, 0.038, 5],
  [0.62, 2.1e9, 0.88, 0.06, 0.5, 0.001, 0.048, 4],
  [0.48, 0.8e9, 0.92, 0.07, 0.5, 0.0, 0.052, 10],
  [38.5, 0.6e9, 1.05, 0.06, 0.7, 0.001, 0.06, 2],
  [0.165, 1.5e9, 1.15, 0.08, 0.8, 0.002, 0.07, 10],
  [18.2, 0.9e9, 0.9, 0.05, 0.4, -0.001, 0.045, 5],
  [7.85, 0.5e9, 0.98, 0.06, 0.5, 0.0, 0.05, 8]
]
export const BASE_PRICE = ASSET_TABLE.map((r) => r[0])
export const DAILY_VOLUME = ASSET_TABLE.map((r) => r[1])
const VOL = ASSET_TABLE.map((r) => r[2])
const KAPPA = ASSET_TABLE.map((r) => r[3])
const JUMP_LAMBDA = ASSET_TABLE.map((r) => r[4])
const JUMP_MEAN = ASSET_TABLE.map((r) => r[5])
const JUMP_STD = ASSET_TABLE.map((r) => r[6])
export const CONFIRM_MINUTES = ASSET_TABLE.map((r) => r[7])

/**
 * scipy.linalg.cholesky(corr, lower=True) of CELL 3's fixed correlation matrix (0.55 across groups,
 * 0.70 within l1 and legacy, 0.87 BTC–ETH; its smallest eigenvalue is 0.13, so no ridge), as
 * scipy's LAPACK returns it: the factor's own doubles, lower triangle by rows.
 */
const CHOLESKY: readonly (readonly number[])[] = [
  [1.0],
  [0.87, 0.493051721424842],
  [0.55, 0.14501521218377708, 0.8224783208299743],
  [0.55, 0.14501521218377708, 0.2753514378430783, 0.7750175313585129],
  [0.55, 0.14501521218377708, 0.2753514378430783, 0.3879295135247278, 0.670941775752197],
  [0.55, 0.14501521218377708, 0.45772706550537684, 0.12959033640522372, 0.07476485779004229, 0.6667631382201225],
  [0.55, 0.14501521218377708, 0.45772706550537684, 0.12959033640522372, 0.07476485779004229, 0.21682824709697357, 0.6305224767999947],
  [0.55, 0.14501521218377708, 0.2753514378430783, 0.1943855046078355, 0.1121472866850634, 0.10027492508388568, 0.07155524055062569, 0.7315150186768157],
  [0.55, 0.14501521218377708, 0.2753514378430783, 0.19438550460783546, 0.1121472866850634, 0.10027492508388568, 0.07155524055062569, 0.11635334938672752, 0.7222022712760132],
  [0.55, 0.14501521218377708, 0.45772706550537684, 0.12959033640522363, 0.0747648577900422, 0.21682824709697357, 0.15472659158024907, 0.04654133975469098, 0.039643254242204856, 0.6081780920872479]
]

/** np.log10(max(daily volume, 1e6) / 1e9) per asset, as NumPy returns it. */
const LOG_VOL = [1.4471580313422192, 1.1760912590556813, 0.505149978319906, 0.25527250510330607, 0.3222192947339193, -0.09691001300805639, -0.2218487496163564, 0.17609125905568124, -0.045757490560675115, -0.3010299956639812]

const DT = 1 / (24 * 60)
const SIGMA_MINUTE = VOL.map((v) => v / Math.sqrt(365 * 24 * 60))
export const SIGMA_MS = VOL.map((v) => v / Math.sqrt(365 * 24 * 3600 * 1000))
const LOG_P0 = BASE_PRICE.map((p) => log(p))

/** The price engine's state: latent prices, venue deviations and the current tick's quotes and books. */
export class PriceEngine {
  readonly rng: RandomState
  tick = 0
  readonly logPrice = new Float64Array(NA)
  readonly truePrice = new Float64Array(NA)
  readonly bias = new Float64Array(NM)
  readonly deviation = new Float64Array(NM)
  // the current tick's quotes, venue-major (m = v·NA + a)
  readonly mid = new Float64Array(NM)
  readonly bid = new Float64Array(NM)
  readonly ask = new Float64Array(NM)
  readonly spreadBps = new Float64Array(NM)
  readonly depth = new Float64Array(NM)
  readonly available = new Uint8Array(NM)
  readonly bookBidPx = new Float64Array(NM * LEVELS)
  readonly bookBidSize = new Float64Array(NM * LEVELS)
  readonly bookAskPx = new Float64Array(NM * LEVELS)
  readonly bookAskSize = new Float64Array(NM * LEVELS)
  private readonly z = new Float64Array(NA)
  private readonly zl = new Float64Array(NA)
  readonly ex: readonly ExchangeConfig[]
  /** Scenario venue_downtime: marks a down venue's quotes unavailable after each step (its own generator). */
  outages: { step(available: Uint8Array): void } | null = null

  constructor(readonly config: CryptoArbConfig) {
    this.ex = VENUES.map((v) => config.exchanges[v])
    this.rng = new RandomState(config.seed)
    const mk = config.market
    for (let a = 0; a < NA; a++) {
      this.logPrice[a] = LOG_P0[a]!
      this.truePrice[a] = BASE_PRICE[a]!
    }
    const r99 = new RandomState(99)
    for (let m = 0; m < NM; m++) this.bias[m] = r99.normal(0, mk.bias_sigma)
    const r77 = new RandomState(77)
    for (let m = 0; m < NM; m++) this.deviation[m] = r77.normal(0, mk.deviation_init_sigma)
  }

  /** SyntheticPriceEngine.step (CELL 3). */
  step(): void {
    const rng = this.rng
    const mk = this.config.market
    this.tick++
    const z = this.z
    for (let i = 0; i < NA; i++) z[i] = rng.standardNormal()
    for (let i = 0; i < NA; i++) {
      const row = CHOLESKY[i]!
      let acc = 0
      for (let k = 0; k < row.length; k++) acc += row[k]! * z[k]!
      this.zl[i] = acc
    }
    for (let a = 0; a < NA; a++) {
      const logP = this.logPrice[a]!
      const drift = -KAPPA[a]! * (logP - LOG_P0[a]!) * DT
      const diffusion = SIGMA_MINUTE[a]! * this.zl[a]!
      let jump = 0.0
      if (rng.poisson(JUMP_LAMBDA[a]! * DT) > 0) jump = rng.normal(JUMP_MEAN[a]!, JUMP_STD[a]!)
      this.logPrice[a] = logP + drift + diffusion + jump
      this.truePrice[a] = exp(this.logPrice[a]!)
    }
    for (let v = 0; v < NV; v++) {
      const e = this.ex[v]!
      const innov = mk.innovation_sigma * e.spread_multiplier
      for (let a = 0; a < NA; a++) {
        const m = v * NA + a
        const trueP = this.truePrice[a]!
        let dev = mk.deviation_phi * this.deviation[m]! + rng.normal(0, innov)
        if (rng.random() < mk.dislocation_prob) dev += rng.choice([-1, 1]) * rng.exponential(mk.dislocation_mean)
        this.deviation[m] = dev
        const mid = trueP * (1 + (this.bias[m]! + dev))
        const base = Math.max(1.5, 4.0 - 2.0 * LOG_VOL[a]!) * e.spread_multiplier
        const spread = base + rng.exponential(base * 0.12)
        const half = (mid * spread) / 20000
        const bid = mid - half
        const ask = mid + half
        const depth = (DAILY_VOLUME[a]! / (24 * 60)) * rng.uniform(0.3, 1.5)
        this.mid[m] = mid
        this.bid[m] = bid
        this.ask[m] = ask
        this.spreadBps[m] = spread
        this.depth[m] = depth
        const tick = mid * 0.0001
        for (let i = 0; i < LEVELS; i++) {
          const k = m * LEVELS + i
          const d = depth * rng.exponential(0.3) * (1 + i * 0.5)
          this.bookBidPx[k] = bid - i * tick * rng.uniform(1, 3)
          this.bookBidSize[k] = d
          this.bookAskPx[k] = ask + i * tick * rng.uniform(1, 3)
          this.bookAskSize[k] = d * rng.uniform(0.7, 1.3)
        }
        this.available[m] = rng.random() < e.uptime_probability ? 1 : 0
      }
    }
    if (this.outages !== null) this.outages.step(this.available)
  }
}
