/** Wall time for the edges (timestamps, throttling, rates); injected so tests can drive it. */
export interface Clock {
  nowMs(): number
  isoNow(): string
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  isoNow: () => new Date().toISOString()
}
