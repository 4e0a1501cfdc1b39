import { RandomState } from '../../engine/rng'
import { VENUES, type CryptoArbConfig } from './config'
import { NA, NV } from './price-engine'

// Scenario venue_downtime (not in the notebook): whole venues go down for outages. The notebook
// draws an i.i.d. availability per quote each tick (CELL 3), so a venue is never down for long and
// never down for every asset at once. Here each venue follows a two-state chain whose stationary
// up-probability is its uptime_probability and whose mean outage is mean_outage_minutes; a down
// venue's quotes are unavailable (the scanner skips them, execute_order rejects). The chain draws
// from its own generator, so the notebook's draws — and every price — are untouched.

/** The outage stream's seed: the run's seed shifted, so it never replays the notebook's stream. */
export const outageSeed = (seed: number): number => (seed + 0x9e3779b9) % 2 ** 32

export class VenueOutages {
  private readonly rng: RandomState
  /** 1 while the venue is up, per venue. */
  readonly up = new Uint8Array(NV).fill(1)
  private readonly goDown = new Float64Array(NV)
  private readonly comeBack: number

  constructor(config: CryptoArbConfig) {
    this.rng = new RandomState(outageSeed(config.seed))
    this.comeBack = Math.min(1, 1 / config.scenarios.venue_downtime.mean_outage_minutes)
    for (let v = 0; v < NV; v++) {
      const u = config.exchanges[VENUES[v]!].uptime_probability
      // p_down·u = p_up·(1 − u): the chain is up a fraction u of the time
      this.goDown[v] = u > 0 ? Math.min(1, (this.comeBack * (1 - u)) / u) : 1
    }
  }

  /** One tick of every venue's chain, then the down venues' quotes marked unavailable. */
  step(available: Uint8Array): void {
    for (let v = 0; v < NV; v++) {
      const x = this.rng.random()
      this.up[v] = this.up[v] ? (x < this.goDown[v]! ? 0 : 1) : x < this.comeBack ? 1 : 0
      if (!this.up[v]) available.fill(0, v * NA, (v + 1) * NA)
    }
  }
}
