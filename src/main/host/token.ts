import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh secret per launch: whoever lacks it cannot load the app or open its socket. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url')
}

export function tokensMatch(expected: string, given: string | null | undefined): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The session cookie's value: an HMAC keyed by the launch token over the Host it was issued for
 * ("127.0.0.1:41234"). Cookies are not port-scoped (RFC 6265 §8.5): the value is refused by a
 * launch on another port even with the same token, and whoever sees it does not learn the token.
 */
export function sessionValue(token: string, hostHeader: string): string {
  return createHmac('sha256', token).update(`mechanica-session\n${hostHeader}`).digest('base64url')
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
