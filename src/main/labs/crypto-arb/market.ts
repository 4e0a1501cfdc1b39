import { RandomState } from '../../engine/rng'
import { exp, log } from '../../engine/rng/libm'
import { VENUES, type CryptoArbConfig, type ExchangeConfig } from './config'
import { pyRound } from './py-round'

// The notebook's market and desk (book ch.1; notebook CELLS 3–6 and 8): the price engine, the
// scanner, the RiskManager, the ExecutionEngine and the portfolio, on NumPy's legacy global
// RandomState in the notebook's draw order. Executions draw from the same generator as the
// market (latency, drift), so the market is simulated tick by tick as the session runs: a trade
// changes every later price, exactly as in the notebook.

export const ASSETS = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'AVAX', 'DOGE', 'LINK', 'DOT'] as const
export const NA = ASSETS.length
export const NV = VENUES.length
export const NM = NA * NV
const LEVELS = 5

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
const SIGMA_MS = VOL.map((v) => v / Math.sqrt(365 * 24 * 3600 * 1000))
const LOG_P0 = BASE_PRICE.map((p) => log(p))

/** The ticks a fresh kernel runs before the session: 30 warm-up, 50 validation, 1 sample, 20 scanner diagnostic, 1 test call. */
export const PRE_SESSION = { warmup: 30, validation: 50, sample: 1, diagnostic: 20, test: 1 } as const
export const PRE_SESSION_TICKS = 102

export const INITIAL_CAPITAL = 1_000_000

/** One opportunity, with the scanner's rounded fields (CELL 6, ArbitrageOpportunity). */
export interface Opportunity {
  asset: number
  buy: number
  sell: number
  buyAsk: number
  sellBid: number
  raw: number
  fees: number
  slippage: number
  withdrawal: number
  net: number
  size: number
  profit: number
  confidence: number
  depthRatio: number
  latency: number
  key: number
}

/** One executed leg (CELL 4, Order). */
export interface OrderRecord {
  tick: number
  venue: number
  asset: number
  side: 'buy' | 'sell'
  requested: number
  status: 'filled' | 'partial' | 'rejected'
  price: number
  filledUsd: number
  qty: number
  slippage: number
  fee: number
  latency: number
}

/** One trade as update_post_trade books it (CELL 5, pnl_history). */
export interface TradeRecord {
  tick: number
  step: number
  asset: number
  buy: number
  sell: number
  size: number
  expectedBps: number
  gross: number
  fees: number
  slippage: number
  withdrawal: number
  net: number
  cumulative: number
  equity: number
  /** What the kernel's cost decomposition charges as fees (the notebook's −fee_buy of a one-legged trade included). */
  bookedFees: number
  buyOrder: OrderRecord
  sellOrder: OrderRecord
}

export interface RiskCheck {
  tick: number
  size: number
  buy: number
  sell: number
  expectedBps: number
  ok: boolean
  reason: string
}

/** The notebook's PortfolioState, its RiskManager's counters and the session's logs. */
export class Desk {
  cash = INITIAL_CAPITAL
  realizedPnl = 0
  fees = 0
  slippage = 0
  withdrawal = 0
  trades = 0
  wins = 0
  losses = 0
  volume = 0
  maxDrawdown = 0
  peak = INITIAL_CAPITAL
  dailyLoss = 0
  readonly balances = new Float64Array(NV).fill(200_000)
  readonly marginUsed = new Float64Array(NV)
  readonly tradeLog: TradeRecord[] = []
  readonly orders: OrderRecord[] = []
  readonly checks: RiskCheck[] = []
}

/** The pre-session diagnostics a fresh kernel prints (CELLS 3 and 6). */
export interface PreSession {
  positivePct: number
  ticksWithOpp: number
  bestPerTick: number[]
  oppCounts: number[]
  avgOpps: number
}

export class CryptoMarket {
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
  // the scanner's output at the current tick (pool reused)
  private readonly pool: Opportunity[] = []
  readonly opps: Opportunity[] = []
  // per session step: what the views read
  readonly steps: number
  sessionStep = -1
  /** Who steps the session: the kernel's loop (observe), the surface's replay, or nobody yet. */
  driver: 'none' | 'loop' | 'replay' = 'none'
  readonly oppCount: Int32Array
  readonly bestNet: Float64Array
  readonly truePath: Float64Array
  readonly midPath: Float64Array
  readonly bestNetGrid: Float64Array
  readonly equityPath: Float64Array
  readonly desk = new Desk()
  readonly preSession: PreSession

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
    for (let i = 0; i < 200; i++) this.pool.push(newOpportunity())
    this.steps = config.session.num_ticks
    this.oppCount = new Int32Array(this.steps)
    this.bestNet = new Float64Array(this.steps)
    this.truePath = new Float64Array(this.steps * NA)
    this.midPath = new Float64Array(this.steps * NM)
    this.bestNetGrid = new Float64Array(this.steps * NM).fill(Number.NaN)
    this.equityPath = new Float64Array(this.steps)
    this.preSession = this.runPreSession()
  }

  /** CELLS 3, 6 and 7 in a fresh kernel: 102 ticks before the session, with their diagnostics. */
  private runPreSession(): PreSession {
    for (let i = 0; i < PRE_SESSION.warmup; i++) this.step()
    let pos = 0
    let total = 0
    const bestPerTick: number[] = []
    for (let i = 0; i < PRE_SESSION.validation; i++) {
      this.step()
      let best = -9999
      for (let a = 0; a < NA; a++)
        for (let b = 0; b < NV; b++)
          for (let s = 0; s < NV; s++) {
            if (b === s) continue
            const ask = this.ask[b * NA + a]!
            const raw = ((this.bid[s * NA + a]! - ask) / ask) * 10000
            total++
            if (raw > 0) pos++
            if (raw > best) best = raw
          }
      bestPerTick.push(best)
    }
    this.step() // sample dispersion
    const oppCounts: number[] = []
    for (let i = 0; i < PRE_SESSION.diagnostic; i++) {
      this.step()
      oppCounts.push(this.scan())
    }
    this.step() // CELL 7's test call: the scan runs, the LLM is unreachable
    this.scan()
    let sum = 0
    for (const c of oppCounts) sum += c
    return {
      positivePct: pos / Math.max(total, 1),
      ticksWithOpp: bestPerTick.filter((b) => b > 0).length / bestPerTick.length,
      bestPerTick,
      oppCounts,
      avgOpps: sum / oppCounts.length
    }
  }

  /** Session step t (the loop's t): one engine step and one scan, logged. Idempotent per t. */
  advance(t: number): void {
    if (t <= this.sessionStep) return
    this.sessionStep = t
    this.step()
    const n = this.scan()
    this.oppCount[t] = n
    this.bestNet[t] = n > 0 ? this.opps[0]!.net : 0
    this.truePath.set(this.truePrice, t * NA)
    this.midPath.set(this.mid, t * NM)
    const grid = this.bestNetGrid
    for (const o of this.opps) {
      const k = t * NM + o.buy * NA + o.asset
      if (!(grid[k]! >= o.net)) grid[k] = o.net
    }
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
  }

  /** ArbitrageScanner.scan (CELL 6) into this.opps, ranked; returns the count. */
  scan(): number {
    const opps = this.opps
    opps.length = 0
    const ex = this.ex
    for (let a = 0; a < NA; a++) {
      const minuteVol = DAILY_VOLUME[a]! / 1440
      for (let b = 0; b < NV; b++) {
        for (let s = 0; s < NV; s++) {
          if (b === s) continue
          const bm = b * NA + a
          const sm = s * NA + a
          if (!this.available[bm] || !this.available[sm]) continue
          const buyAsk = this.ask[bm]!
          const sellBid = this.bid[sm]!
          if (buyAsk <= 0) continue
          const raw = ((sellBid - buyAsk) / buyAsk) * 10000
          if (raw <= 0) continue
          const be = ex[b]!
          const se = ex[s]!
          const feeBps = be.taker_fee_bps + se.taker_fee_bps
          const depth = Math.min(this.depth[bm]!, this.depth[sm]!)
          const target = Math.min(Math.max(depth * 0.1, Math.max(be.min_order_usd, se.min_order_usd)), 50_000)
          let buyImp: number
          let sellImp: number
          if (minuteVol > 0) {
            buyImp = be.slippage_coefficient * 0.4 * Math.sqrt(target / minuteVol)
            sellImp = se.slippage_coefficient * 0.4 * Math.sqrt(target / minuteVol)
          } else buyImp = sellImp = 0.003
          const slipBps = (buyImp + sellImp) * 10000
          const wdBps = be.withdrawal_fee_pct * 10000 + (be.withdrawal_flat_usd / Math.max(target, 100)) * 10000
          const latBps = SIGMA_MS[a]! * Math.sqrt(be.latency_ms_mean + se.latency_ms_mean) * 10000
          const net = raw - feeBps - slipBps - wdBps - latBps
          if (net < 0.5) continue
          const sizing = Math.min(Math.max(net / 15.0, 0.2), 1.0)
          const ts = target * sizing
          const size = ts > 1000 ? ts : 1000
          const profit = (size * net) / 10000
          const depthRatio = depth / Math.max(size, 1)
          const conf =
            clip01(depthRatio / 5.0) * 0.25 + clip01(net / 25.0) * 0.45 + clip01(raw / 40.0) * 0.15 + be.uptime_probability * se.uptime_probability * 0.15
          if (opps.length === this.pool.length) this.pool.push(newOpportunity())
          const o = this.pool[opps.length]!
          o.asset = a
          o.buy = b
          o.sell = s
          o.buyAsk = buyAsk
          o.sellBid = sellBid
          o.raw = pyRound(raw, 2)
          o.fees = pyRound(feeBps, 2)
          o.slippage = pyRound(slipBps, 2)
          o.withdrawal = pyRound(wdBps, 2)
          o.net = pyRound(net, 2)
          o.size = pyRound(size, 0)
          o.profit = pyRound(profit, 2)
          o.confidence = pyRound(conf, 3)
          o.depthRatio = pyRound(depthRatio, 1)
          o.latency = pyRound(latBps, 2)
          o.key = o.profit * o.confidence
          opps.push(o)
        }
      }
    }
    // list.sort(key, reverse=True): stable, descending (insertion sort keeps equal keys in order)
    for (let i = 1; i < opps.length; i++) {
      const o = opps[i]!
      let j = i - 1
      while (j >= 0 && opps[j]!.key < o.key) {
        opps[j + 1] = opps[j]!
        j--
      }
      opps[j + 1] = o
    }
    return opps.length
  }

  /** RiskManager.check_trade (CELL 5). */
  checkTrade(size: number, buy: number, sell: number, expectedBps: number): string | null {
    const d = this.desk
    const risk = this.config.risk
    if (size > d.cash * risk.max_position_pct) return `Size $${fmtUsd(size)} > position limit`
    const buyBal = d.balances[buy]!
    if (buyBal < size) return `Insufficient ${VENUES[buy]} balance`
    const marginReq = size * this.ex[buy]!.margin_requirement
    if (marginReq > buyBal - d.marginUsed[buy]!) return `Margin insufficient on ${VENUES[buy]}`
    const equity = d.cash + 0
    const dd = (d.peak - equity) / d.peak
    if (dd > risk.max_drawdown_pct) return `Drawdown ${(dd * 100).toFixed(2)}% > limit`
    if (d.dailyLoss > risk.daily_loss_limit) return 'Daily loss limit hit'
    if (expectedBps < risk.min_spread_bps) return `Spread ${expectedBps.toFixed(1)}bps < minimum`
    void sell
    return null
  }

  /** ExecutionEngine.execute_order (CELL 4): one leg against the current tick's book. */
  executeOrder(venue: number, asset: number, side: 'buy' | 'sell', size: number, step: number): OrderRecord {
    const e = this.ex[venue]!
    const m = venue * NA + asset
    const order: OrderRecord = { tick: this.tick, venue, asset, side, requested: size, status: 'rejected', price: 0, filledUsd: 0, qty: 0, slippage: 0, fee: 0, latency: 0 }
    this.desk.orders.push(order)
    void step
    if (!this.available[m]) return order
    if (size < e.min_order_usd || size > e.max_order_usd) return order
    const n = this.rng.normal(e.latency_ms_mean, e.latency_ms_std)
    const latency = n > 1.0 ? n : 1.0
    order.latency = latency
    const mid = this.mid[m]!
    const drift = mid * SIGMA_MS[asset]! * Math.sqrt(latency) * this.rng.standardNormal()
    const sizes = side === 'buy' ? this.bookAskSize : this.bookBidSize
    let filled = 0.0
    let remaining = size
    for (let i = 0; i < LEVELS; i++) {
      const level = sizes[m * LEVELS + i]!
      const fill = Math.min(remaining, level)
      filled += fill
      remaining -= fill
      if (remaining <= 0) break
    }
    if (filled < size * 0.5) return order
    const minuteVol = DAILY_VOLUME[asset]! / 1440
    const impact = Math.min(e.slippage_coefficient * Math.sqrt(size / minuteVol), 0.02)
    let px = side === 'buy' ? this.ask[m]! * (1 + impact) + drift : this.bid[m]! * (1 - impact) + drift
    px = Math.min(Math.max(px, mid * 0.95), mid * 1.05)
    const qty = filled / px
    const ideal = side === 'buy' ? this.ask[m]! : this.bid[m]!
    order.status = filled >= size * 0.95 ? 'filled' : 'partial'
    order.price = px
    order.filledUsd = filled
    order.qty = qty
    order.slippage = Math.abs(px - ideal) * qty
    order.fee = (filled * e.taker_fee_bps) / 10000
    return order
  }

  /** execute_arbitrage (CELL 4) and update_post_trade (CELL 5). */
  executeArbitrage(asset: number, buy: number, sell: number, size: number, expectedBps: number, step: number): TradeRecord {
    const buyO = this.executeOrder(buy, asset, 'buy', size, step)
    const sellO = this.executeOrder(sell, asset, 'sell', size, step)
    let gross = 0
    let fees = 0
    let slip = 0
    let wd = 0
    let net = 0
    let bookedFees = 0
    if (buyO.status !== 'rejected') {
      if (sellO.status === 'rejected') {
        if (this.config.corrections.residual_inventory === 'unwound') {
          // corrected: sell the bought quantity back on the buy venue at its bid less impact
          const e = this.ex[buy]!
          const m = buy * NA + asset
          const impact = Math.min(e.slippage_coefficient * Math.sqrt(buyO.filledUsd / (DAILY_VOLUME[asset]! / 1440)), 0.02)
          const px = this.bid[m]! * (1 - impact)
          const proceeds = buyO.qty * px
          const unwindFee = (proceeds * e.taker_fee_bps) / 10000
          gross = proceeds - buyO.filledUsd
          fees = buyO.fee + unwindFee
          slip = buyO.slippage + Math.abs(this.bid[m]! - px) * buyO.qty
          net = gross - fees
          bookedFees = fees
        } else {
          net = -buyO.fee
          bookedFees = buyO.fee
        }
      } else {
        const minQty = Math.min(buyO.qty, sellO.qty)
        gross = minQty * (sellO.price - buyO.price)
        fees = buyO.fee + sellO.fee
        slip = buyO.slippage + sellO.slippage
        const be = this.ex[buy]!
        wd = size * be.withdrawal_fee_pct + be.withdrawal_flat_usd
        net = gross - fees - wd
        bookedFees = fees
      }
    }
    const d = this.desk
    d.realizedPnl += net
    d.fees += fees
    d.slippage += slip
    d.withdrawal += wd
    d.cash += net
    d.trades += 1
    d.volume += buyO.filledUsd
    if (net > 0) d.wins += 1
    else if (net < 0) {
      d.losses += 1
      d.dailyLoss += Math.abs(net)
    }
    const equity = d.cash
    d.peak = Math.max(d.peak, equity)
    const dd = (d.peak - equity) / d.peak
    d.maxDrawdown = Math.max(d.maxDrawdown, dd)
    let total = 0
    for (let v = 0; v < NV; v++) total += d.balances[v]!
    if (total > 0) for (let v = 0; v < NV; v++) d.balances[v] = d.cash * (d.balances[v]! / total)
    const trade: TradeRecord = {
      tick: this.tick,
      step,
      asset,
      buy,
      sell,
      size,
      expectedBps,
      gross,
      fees,
      slippage: slip,
      withdrawal: wd,
      net,
      cumulative: d.realizedPnl,
      equity,
      bookedFees,
      buyOrder: buyO,
      sellOrder: sellO
    }
    d.tradeLog.push(trade)
    return trade
  }
}

function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x
}

function newOpportunity(): Opportunity {
  return { asset: 0, buy: 0, sell: 0, buyAsk: 0, sellBid: 0, raw: 0, fees: 0, slippage: 0, withdrawal: 0, net: 0, size: 0, profit: 0, confidence: 0, depthRatio: 0, latency: 0, key: 0 }
}

function fmtUsd(x: number): string {
  return Math.round(x).toLocaleString('en-US')
}

export function cryptoArbMarket(config: CryptoArbConfig): CryptoMarket {
  return new CryptoMarket(config)
}
