import { pyRound } from './py-round'
import { DAILY_VOLUME, NA, NV, SIGMA_MS, type PriceEngine } from './price-engine'

// The notebook's ArbitrageScanner (book ch.1; notebook CELL 6): every ordered venue pair per asset,
// the raw spread net of taker fees, square-root slippage, withdrawal and latency cost, the
// optimal size, fields rounded as Python's round, ranked by rounded profit × confidence (stable).

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

/** The scanner's output at the current tick, from a pool of opportunity objects reused tick to tick. */
export class Scanner {
  private readonly pool: Opportunity[] = []
  readonly opps: Opportunity[] = []

  constructor() {
    for (let i = 0; i < 200; i++) this.pool.push(newOpportunity())
  }

  /** ArbitrageScanner.scan (CELL 6) of the engine's current quotes into this.opps, ranked; returns the count. */
  scan(e: PriceEngine): number {
    const opps = this.opps
    opps.length = 0
    const ex = e.ex
    for (let a = 0; a < NA; a++) {
      const minuteVol = DAILY_VOLUME[a]! / 1440
      for (let b = 0; b < NV; b++) {
        for (let s = 0; s < NV; s++) {
          if (b === s) continue
          const bm = b * NA + a
          const sm = s * NA + a
          if (!e.available[bm] || !e.available[sm]) continue
          const buyAsk = e.ask[bm]!
          const sellBid = e.bid[sm]!
          if (buyAsk <= 0) continue
          const raw = ((sellBid - buyAsk) / buyAsk) * 10000
          if (raw <= 0) continue
          const be = ex[b]!
          const se = ex[s]!
          const feeBps = be.taker_fee_bps + se.taker_fee_bps
          const depth = Math.min(e.depth[bm]!, e.depth[sm]!)
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
}

function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x
}

function newOpportunity(): Opportunity {
  return { asset: 0, buy: 0, sell: 0, buyAsk: 0, sellBid: 0, raw: 0, fees: 0, slippage: 0, withdrawal: 0, net: 0, size: 0, profit: 0, confidence: 0, depthRatio: 0, latency: 0, key: 0 }
}
