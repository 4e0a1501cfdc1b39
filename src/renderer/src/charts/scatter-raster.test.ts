import { describe, expect, it } from 'vitest'
import { rasterise } from './scatter-raster'
import { boundsOf, fit, toScreen, zoomAbout } from './scatter-transform'

describe('scatter rasterisation', () => {
  it('puts each point at its screen pixel in its regime colour, skipping what falls outside', () => {
    const view = fit({ xmin: 0, xmax: 10, ymin: 0, ymax: 10 }, 120, 120, 10)
    const data = new Uint8ClampedArray(120 * 120 * 4)
    const drawn = rasterise(data, 120, 120, [5, 100, Number.NaN], [5, 5, 1], [1, 0, 0], [[1, 2, 3], [200, 100, 50]], view)
    expect(drawn).toBe(1)
    const [px, py] = toScreen(view, 5, 5).map(Math.round) as [number, number]
    const o = (py * 120 + px) * 4
    expect(Array.from(data.subarray(o, o + 4))).toEqual([200, 100, 50, 200])
  })

  it('redraws 100,000 points in a few milliseconds (synthetic phase space)', () => {
    const n = 100_000
    // A deterministic spiral: the shape of a regime worm, two regimes.
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    const regime = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const a = i * 0.013
      x[i] = Math.cos(a) * (1 + i / n) + Math.sin(i * 7.1) * 0.05
      y[i] = Math.sin(a) * (1 + i / n) + Math.cos(i * 3.7) * 0.05
      regime[i] = Math.floor(i / 5000) % 2
    }
    const width = 1200
    const height = 920
    const data = new Uint8ClampedArray(width * height * 4)
    let view = fit(boundsOf(x, y), width, height)
    const times: number[] = []
    for (let k = 0; k < 30; k++) {
      view = zoomAbout(view, k % 2 ? 1 / 1.1 : 1.1, 600, 460)
      const started = performance.now()
      data.fill(0)
      rasterise(data, width, height, x, y, regime, [[46, 125, 91], [194, 86, 43]], view)
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    const median = times[15]!
    console.log(`scatter: 100,000 points into a 1200 × 920 buffer, median ${median.toFixed(2)} ms, max ${times[29]!.toFixed(2)} ms`)
    expect(median).toBeLessThan(40)
  })
})
