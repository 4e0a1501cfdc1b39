import { cpus, loadavg, totalmem } from 'node:os'
import type { Page } from 'playwright-core'
import { frameStats, formatStats, BUDGET_LEGEND, type FrameStats } from './frames'

// Which machine a UI bench ran on, so two machines' figures can be put side by side: the CPU,
// a fixed calibration loop timed in Node and in the page's V8, the load average, and the
// page's idle frame times (the jitter of this machine's vsync with nothing happening).

/** The calibration loop: a fixed amount of integer work (xorshift32, 2^24 rounds); returns a checksum so it is not elided. */
export function calibrationLoop(): number {
  let x = 2463534242
  let sum = 0
  for (let i = 0; i < 1 << 24; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    sum = (sum + (x >>> 0)) % 1_000_000_007
  }
  return sum
}

/** Median of five timings of the calibration loop in this Node process (ms). */
function timeInNode(): number {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    calibrationLoop()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[2]!
}

export interface MachineReport {
  cpuModel: string
  cores: number
  memoryGiB: number
  /** 1, 5 and 15 minute load averages when the bench started. */
  loadAverage: number[]
  /** Median of five runs of calibrationLoop, in Node and in the page (ms; lower is faster). */
  calibrationNodeMs: number
  calibrationPageMs: number
  browser: string
  /** rAF intervals of the page with nothing happening. */
  idle: FrameStats
}

/** The page's own measurements: the same calibration loop in its V8, then `frames` idle rAF intervals. */
async function measureInPage(page: Page, frames: number): Promise<{ calibrationMs: number; intervals: number[] }> {
  return page.evaluate(
    async ({ source, frames }) => {
      // The bench's own loop, sent as text so both V8s run the same code.
      const loop = new Function(`return (${source})()`) as () => number
      const times: number[] = []
      for (let i = 0; i < 5; i++) {
        const started = performance.now()
        loop()
        times.push(performance.now() - started)
      }
      const intervals = await new Promise<number[]>((resolve) => {
        const out: number[] = []
        let last = 0
        const tick = (now: number): void => {
          if (last) out.push(now - last)
          last = now
          if (out.length < frames) requestAnimationFrame(tick)
          else resolve(out)
        }
        requestAnimationFrame(tick)
      })
      return { calibrationMs: times.sort((a, b) => a - b)[2]!, intervals }
    },
    { source: calibrationLoop.toString(), frames }
  )
}

/** Describes the machine from inside an open page (the page should be idle while this runs). */
export async function describeMachine(page: Page, browserVersion: string, idleFrames = 180): Promise<MachineReport> {
  const loadAverage = loadavg().map((x) => Math.round(x * 100) / 100)
  const calibrationNodeMs = timeInNode()
  const inPage = await measureInPage(page, idleFrames)
  const cpu = cpus()
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage,
    calibrationNodeMs,
    calibrationPageMs: inPage.calibrationMs,
    browser: browserVersion,
    idle: frameStats(inPage.intervals)
  }
}

/** The current 1-minute load average, to print next to a scenario's figures. */
export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100

export function formatMachine(m: MachineReport): string {
  return [
    `machine: ${m.cpuModel} · ${m.cores} cores · ${m.memoryGiB} GiB · Chromium ${m.browser} (software rendering, 1400×900)`,
    `  calibration loop (xorshift32, 2^24 rounds): node ${m.calibrationNodeMs.toFixed(0)} ms, page ${m.calibrationPageMs.toFixed(0)} ms · load average ${m.loadAverage.join(' ')}`,
    `  idle baseline   ${formatStats(m.idle)}`,
    `  ${BUDGET_LEGEND}`
  ].join('\n')
}
