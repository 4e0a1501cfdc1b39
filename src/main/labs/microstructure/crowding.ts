import { standardNormals } from '../../risk/rolling'
import { MicrostructureConfigSchema, type MicrostructureConfig } from './config'

/**
 * Crowded execution (seed 002's mean-field view, on this lab's market): N agents liquidate the
 * same position X over the same horizon with an Almgren–Chriss schedule, under linear permanent
 * impact γ and temporary impact ε + η·v that respond to the crowd's aggregate trading — against
 * one agent alone. The textbook model is Almgren and Chriss, "Optimal execution of portfolio
 * transactions", J. Risk 3(2), 2000, §2–3 (linear impact, its equations for the optimal
 * trajectory, κ, E[x] and V[x]). With N identical agents the aggregate sale in period k is N·nₖ,
 * so each agent's expected shortfall is
 *   E_N = ½γN(X² − Σnₖ²) + εX + (ηN/τ)Σnₖ²    (N = 1: Almgren–Chriss's ½γX² + εX + (η̃/τ)Σnₖ²)
 * and the variance, which comes from the exogenous mid, is σ²τΣxₖ² for any N.
 * Two schedules per N: `alone` — every agent trades the single-agent optimum, unaware of the
 * crowd; `coordinated` — the optimum under the crowd's impact (γN, ηN), as if the crowd were one
 * desk. The drawdown amplification is the crowd's effect on the mid everyone marks to: the mean
 * maximum drawdown of the mid path with N agents selling over that with one (common shocks).
 */
export interface CrowdingParams {
  /** Lots each agent liquidates. */
  shares: number
  /** Trading periods of length τ = 1 step. */
  periods: number
  /** Mid at the start (the lab's mid0). */
  mid: number
  /** Mid volatility per step, price units (the lab's sigma_bps × mid0). */
  sigma: number
  /** Permanent impact: price per lot sold. */
  gamma: number
  /** Fixed temporary cost per lot (the half-spread). */
  epsilon: number
  /** Temporary impact: price per lot per step of trading rate. */
  eta: number
  /** Risk aversion (per price² of variance). */
  lambda: number
}

const TAU = 1

/** The crowd's parameters on a run's market: mid, volatility and half-spread from the scenario, impacts from `crowd`. */
export function crowdingParams(config: MicrostructureConfig): CrowdingParams {
  const s = config.scenario
  const crowd = config.crowd
  return {
    shares: crowd.shares,
    periods: crowd.periods,
    mid: s.mid0,
    sigma: (s.sigma_bps / 1e4) * s.mid0,
    gamma: crowd.gamma,
    epsilon: (s.tick_size * s.min_spread_ticks) / 2,
    eta: crowd.eta,
    lambda: crowd.lambda
  }
}

/** The parameters read off the microstructure lab's faithful configuration, with the crowd's impacts (ours) at their defaults. */
export function crowdingDefaults(): CrowdingParams {
  return crowdingParams(MicrostructureConfigSchema.parse({}))
}

export function checkParams(p: CrowdingParams): void {
  const positive = ['shares', 'mid', 'eta'] as const
  for (const k of positive) if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new RangeError(`crowding ${k} must be a number > 0 (got ${p[k]})`)
  for (const k of ['sigma', 'gamma', 'epsilon', 'lambda'] as const) if (!(p[k] >= 0) || !Number.isFinite(p[k])) throw new RangeError(`crowding ${k} must be a number ≥ 0 (got ${p[k]})`)
  if (!Number.isInteger(p.periods) || p.periods < 1 || p.periods > 100_000) throw new RangeError(`crowding periods must be a whole number from 1 to 100000 (got ${p.periods})`)
  if (p.eta - (p.gamma * TAU) / 2 <= 0) throw new RangeError(`crowding needs η > γτ/2 (η̃ > 0), so that trading faster costs more (got η ${p.eta}, γ ${p.gamma})`)
}

/** κ of Almgren–Chriss: cosh(κτ) = 1 + λσ²τ²/(2η̃), η̃ = η − γτ/2. */
export function acKappa(p: Pick<CrowdingParams, 'sigma' | 'gamma' | 'eta' | 'lambda'>): number {
  const etaTilde = p.eta - (p.gamma * TAU) / 2
  return Math.acosh(1 + (p.lambda * p.sigma ** 2 * TAU ** 2) / (2 * etaTilde)) / TAU
}

/** Holdings x₀…x_N of the optimal trajectory: x_j = X·sinh(κ(T − t_j))/sinh(κT); linear (TWAP) when κ = 0. */
export function acHoldings(X: number, periods: number, kappa: number): Float64Array {
  const T = periods * TAU
  // The ends exactly: the whole position at the start, none at the end.
  return Float64Array.from({ length: periods + 1 }, (_, j) => (j === 0 ? X : j === periods ? 0 : kappa > 0 ? (X * Math.sinh(kappa * (T - j * TAU))) / Math.sinh(kappa * T) : X * (1 - j / periods)))
}

/** Expected shortfall and its variance of a schedule, per agent, when N agents trade it at once (the sums). */
export function scheduleCost(x: Float64Array, p: CrowdingParams, agents: number): { expected: number; variance: number } {
  const X = x[0]!
  let sumN2 = 0
  let sumAbs = 0
  let sumX2 = 0
  for (let k = 1; k < x.length; k++) {
    const n = x[k - 1]! - x[k]!
    sumN2 += n * n
    sumAbs += Math.abs(n)
    sumX2 += x[k]! ** 2
  }
  return {
    expected: 0.5 * p.gamma * agents * (X * X - sumN2) + p.epsilon * sumAbs + ((p.eta * agents) / TAU) * sumN2,
    variance: p.sigma ** 2 * TAU * sumX2
  }
}

/** Almgren–Chriss's closed forms for the optimal trajectory's E and V (2000, after eq. 20). */
export function acClosedForm(p: CrowdingParams): { expected: number; variance: number } {
  const { shares: X, periods } = p
  const T = periods * TAU
  const k = acKappa(p)
  const etaTilde = p.eta - (p.gamma * TAU) / 2
  if (k === 0) return { expected: 0.5 * p.gamma * X * X + p.epsilon * X + (etaTilde * X * X) / T, variance: (p.sigma ** 2 * X * X * T * (1 - 1 / periods) * (1 - 1 / (2 * periods))) / 3 }
  const sT = Math.sinh(k * T)
  const expected = 0.5 * p.gamma * X * X + p.epsilon * X + (etaTilde * X * X * Math.tanh(0.5 * k * TAU) * (TAU * Math.sinh(2 * k * T) + 2 * T * Math.sinh(k * TAU))) / (2 * TAU * TAU * sT * sT)
  const variance = (0.5 * p.sigma ** 2 * X * X * (TAU * sT * Math.cosh(k * (T - TAU)) - T * Math.sinh(k * TAU))) / (sT * sT * Math.sinh(k * TAU))
  return { expected, variance }
}

export interface CrowdingRow {
  agents: number
  schedule: 'alone' | 'coordinated'
  /** Expected implementation shortfall per agent, price × lots, and as bps of the position's value. */
  costPerAgent: number
  costBps: number
  /** Standard deviation of the shortfall per agent. */
  costStd: number
  /** Expected cost per agent over the lone agent's. */
  costVsAlone: number
  /** First period's sale as a share of the position (how front-loaded the schedule is). */
  firstTrade: number
  /** Mean maximum drawdown of the mid path (fraction of the start), and over the lone agent's. */
  midDrawdown: number
  drawdownAmplification: number
}

/** Mean maximum drawdown of the mid under N agents trading schedule x, on `scenarios` common paths. */
function meanMidDrawdown(x: Float64Array, p: CrowdingParams, agents: number, shocks: Float64Array, scenarios: number): number {
  const periods = x.length - 1
  let total = 0
  for (let s = 0; s < scenarios; s++) {
    let mid = p.mid
    let peak = mid
    let dd = 0
    for (let k = 1; k <= periods; k++) {
      mid += p.sigma * Math.sqrt(TAU) * shocks[s * periods + k - 1]! - p.gamma * agents * (x[k - 1]! - x[k]!)
      peak = Math.max(peak, mid)
      dd = Math.max(dd, 1 - mid / peak)
    }
    total += dd
  }
  return total / scenarios
}

export function crowdingTable(p: CrowdingParams, agents: readonly number[], o: { scenarios: number; seed: number }): CrowdingRow[] {
  checkParams(p)
  if (agents.length === 0 || agents.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new RangeError(`--agents must be whole numbers from 1 to 100000 (got ${agents.join(',')})`)
  const shocks = standardNormals(o.scenarios * p.periods, o.seed)
  const alone = acHoldings(p.shares, p.periods, acKappa(p))
  const lone = scheduleCost(alone, p, 1)
  const loneDrawdown = meanMidDrawdown(alone, p, 1, shocks, o.scenarios)
  const value = p.shares * p.mid
  return agents.flatMap((n) =>
    (['alone', 'coordinated'] as const).map((schedule) => {
      const x = schedule === 'alone' ? alone : acHoldings(p.shares, p.periods, acKappa({ ...p, gamma: p.gamma * n, eta: p.eta * n }))
      const c = scheduleCost(x, p, n)
      const midDrawdown = meanMidDrawdown(x, p, n, shocks, o.scenarios)
      return {
        agents: n,
        schedule,
        costPerAgent: c.expected,
        costBps: (1e4 * c.expected) / value,
        costStd: Math.sqrt(c.variance),
        costVsAlone: c.expected / lone.expected,
        firstTrade: (x[0]! - x[1]!) / p.shares,
        midDrawdown,
        drawdownAmplification: midDrawdown / loneDrawdown
      }
    })
  )
}

/** The crowd sizes a report tabulates up to n: every N to 10, then 1-2-5 steps, and n itself. */
export function crowdSizes(n: number): number[] {
  const sizes = new Set<number>()
  for (let k = 1; k <= Math.min(n, 10); k++) sizes.add(k)
  for (let decade = 10; decade <= n; decade *= 10) for (const m of [1, 2, 5]) if (m * decade <= n) sizes.add(m * decade)
  sizes.add(n)
  return [...sizes].sort((a, b) => a - b)
}

/**
 * What a run with a crowd (crowd.n ≥ 1) reports beside the book's own metrics: at N = crowd.n, the cost
 * per agent and the mid's drawdown against one agent alone (both schedules), and the whole table
 * as N grows, on the run's seed. Stored with the run like every metric.
 */
export function crowdingReport(config: MicrostructureConfig): { metrics: Record<string, number>; table: { params: CrowdingParams; scenarios: number; rows: CrowdingRow[] } } | null {
  if (config.crowd.n === 0) return null
  const params = crowdingParams(config)
  const { n, scenarios } = config.crowd
  const rows = crowdingTable(params, crowdSizes(n), { scenarios, seed: config.seed })
  const at = (schedule: CrowdingRow['schedule']): CrowdingRow => rows.find((r) => r.agents === n && r.schedule === schedule)!
  const alone = at('alone')
  const coordinated = at('coordinated')
  return {
    metrics: {
      crowd_agents: n,
      crowd_cost_per_agent: alone.costPerAgent,
      crowd_cost_bps: alone.costBps,
      crowd_cost_vs_alone: alone.costVsAlone,
      crowd_cost_vs_alone_coordinated: coordinated.costVsAlone,
      crowd_drawdown_amplification: alone.drawdownAmplification
    },
    table: { params, scenarios, rows }
  }
}
