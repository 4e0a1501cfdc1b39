import { randomBytes } from 'node:crypto'
import { tokensMatch } from './token'

/** How long a hand-off code stays good: long enough for Chromium to start, short enough to be worthless later. */
export const HAND_OFF_TTL_MS = 30_000

export type HandOffEnd = 'used' | 'expired' | 'revoked'

export interface HandOff {
  /** 256 random bits, good for one exchange until `expiresAt`. */
  readonly code: string
  readonly expiresAt: number
  /** Settles once: at the first use, at expiry, or when the host closes. */
  readonly ended: Promise<HandOffEnd>
}

export interface OneTimeCodesOptions {
  ttlMs?: number
  /** The clock expiry is judged by (tests move it). */
  now?: () => number
}

/** Single-use, short-lived codes that the browser host trades for its session cookie. */
export class OneTimeCodes {
  private readonly live = new Map<string, { expiresAt: number; end: (how: HandOffEnd) => void }>()
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(options: OneTimeCodesOptions = {}) {
    this.ttlMs = options.ttlMs ?? HAND_OFF_TTL_MS
    this.now = options.now ?? Date.now
  }

  mint(): HandOff {
    const code = randomBytes(32).toString('base64url')
    const expiresAt = this.now() + this.ttlMs
    let settle: (how: HandOffEnd) => void = () => undefined
    const ended = new Promise<HandOffEnd>((resolve) => (settle = resolve))
    // Expiry is judged against `now` at redemption; the timer only ends the code on time for
    // whoever cleans up after it (the hand-off file).
    const timer = setTimeout(() => this.finish(code, 'expired'), this.ttlMs)
    timer.unref()
    this.live.set(code, {
      expiresAt,
      end: (how) => {
        clearTimeout(timer)
        settle(how)
      }
    })
    return { code, expiresAt, ended }
  }

  /** True exactly once for a live code; a used, expired or unknown code is refused. */
  redeem(given: string | null | undefined): boolean {
    for (const [code, entry] of this.live) {
      if (!tokensMatch(code, given)) continue
      if (this.now() >= entry.expiresAt) {
        this.finish(code, 'expired')
        return false
      }
      this.finish(code, 'used')
      return true
    }
    return false
  }

  revokeAll(): void {
    for (const code of [...this.live.keys()]) this.finish(code, 'revoked')
  }

  private finish(code: string, how: HandOffEnd): void {
    const entry = this.live.get(code)
    if (!entry) return
    this.live.delete(code)
    entry.end(how)
  }
}
