import { describe, expect, it } from 'vitest'
import { STEP_CHUNK, resolveLabConfig } from '../../engine/kernel'
import { microstructureLab } from './lab'
import { SCENARIO_BLOCK, ScenarioStream, scenarioSeries } from './market'
import { depthSurface } from './surface'
import { simulateScenario } from './test-support'

// The scenario is generated in windows (blocks of SCENARIO_BLOCK points held in ring buffers) so a
// run's memory does not grow with its length. The draws are the up-front simulation's, in its
// order: every point must be the same number.

const resolve = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => resolveLabConfig(microstructureLab, preset, overrides)

const CONFIGS: Array<Record<string, unknown>> = [
  {},
  { seed: 7, 'scenario.p_enter_stress': 0.2, 'scenario.p_exit_stress': 0.1 },
  { seed: 8, 'scenario.depth_levels': 1, 'scenario.drift_bps': 0.5 },
  { seed: 9, 'scenario.depth_levels': 7, 'scenario.depth_noise': 0, 'strategy.window': 5000 },
  { seed: 10, 'scenario.depth_levels': 64, 'scenario.mid0': 20, 'scenario.tick_size': 0.0001 },
  { seed: 11, profile: 'momentum', 'strategy.window': 1 }
]

describe('scenario stream', () => {
  it.each(CONFIGS)('equals the up-front simulation point for point, across window boundaries (%j)', (overrides) => {
    // three blocks and a part: every block boundary is crossed, and the last point is steps
    const config = resolve({ steps: 3 * SCENARIO_BLOCK + 17, 'strategy.total_steps': 1000, ...overrides })
    const whole = simulateScenario(config)
    const s = ScenarioStream.simulate(config)
    const L = whole.levels
    const w = config.strategy.window
    expect([s.n, s.levels, s.tick, s.sigmaCalm]).toEqual([whole.n, L, whole.tick, whole.sigmaCalm])
    let differ = 0
    for (let t = 0; t < whole.n; t++) {
      // read as a run does: the point after t is generated before t is read
      s.ensure(Math.min(t + 1, whole.n - 1))
      const slot = t & s.mask
      if (s.mid[t & s.midMask] !== whole.mid[t]) differ++
      if (s.regime[slot] !== whole.regime[t] || s.sigma[slot] !== whole.sigma[t]) differ++
      if (s.spreadTicks[slot] !== whole.spreadTicks[t] || s.bidTick[slot] !== whole.bidTick[t] || s.askTick[slot] !== whole.askTick[t]) differ++
      for (let k = 0; k < L; k++) if (s.depthBid[slot * L + k] !== whole.depthBid[t * L + k] || s.depthAsk[slot * L + k] !== whole.depthAsk[t * L + k]) differ++
      // what is read behind t is still held: the mark's t − 1, momentum's t − window, the report's chunk
      if (t >= w && s.mid[(t - w) & s.midMask] !== whole.mid[t - w]) differ++
      if (t > STEP_CHUNK && s.midAt(t - STEP_CHUNK - 1) !== whole.mid[t - STEP_CHUNK - 1]) differ++
    }
    expect(differ).toBe(0)
    expect(() => s.ensure(whole.n)).toThrow(/past the path's last point/)
  })

  it('gives regime inference the whole mid path and its regimes', () => {
    const config = resolve({ steps: 10_000, seed: 5 })
    const whole = simulateScenario(config)
    const series = microstructureLab.priceSeries!.series(config)
    expect(series.closes).toEqual(whole.mid)
    expect(Array.from(series.labels!)).toEqual(Array.from(whole.regime))
    expect(scenarioSeries(config).regime).toEqual(whole.regime)
  })

  it('draws the depth surface at any step, forward and back, as the path has it', () => {
    const config = resolve({ steps: 30_000, seed: 6 })
    const whole = simulateScenario(config)
    const market = microstructureLab.market(config, {})
    const L = whole.levels
    for (const t of [0, 1, 4095, 4096, 9000, 29_999, 30_000, 12, 20_000, 19_999, 3]) {
      const surface = depthSurface(market, t)
      expect(Array.from(surface.values), `t = ${t}`).toEqual([...whole.depthBid.subarray(t * L, (t + 1) * L), ...whole.depthAsk.subarray(t * L, (t + 1) * L)])
    }
    // the run's own window did not move
    expect(market.scenario.hi).toBe(-1)
  })

  it("holds a fixed window whatever the run's length", () => {
    const bytes = (steps: number) => ScenarioStream.simulate(resolve({ steps })).retainedBytes()
    expect(bytes(10_000_000)).toBe(bytes(100_000))
    expect(bytes(10_000_000)).toBeLessThan(2 * 1024 * 1024)
    // a momentum window longer than a chunk is held for the mid alone
    const long = ScenarioStream.simulate(resolve({ steps: 1_000_000, 'strategy.window': 100_000 }))
    expect(long.midCapacity).toBeGreaterThanOrEqual(SCENARIO_BLOCK + 100_000 + 1)
    expect(long.capacity).toBe(ScenarioStream.simulate(resolve({ steps: 1_000_000 })).capacity)
  })
})
