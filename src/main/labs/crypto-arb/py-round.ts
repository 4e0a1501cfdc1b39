// Python's round(x, n) for a float: the double nearest the exact decimal value of x rounded to n
// places, ties (the exact value ending in 5 at place n + 1) to even. The scanner rounds every field
// of an opportunity, and ranks by the rounded values, so the rounding is part of the path.

const POW10 = [1, 10, 100, 1000, 10000]

export function pyRound(x: number, n: number): number {
  if (!Number.isFinite(x)) return x
  const a = Math.abs(x)
  if (a >= 1e21) return x
  const scaled = a * POW10[n]!
  const frac = scaled - Math.floor(scaled)
  let s: string
  // a tie is possible only when the scaled value sits at (or within an ulp of) a half
  if (Math.abs(frac - 0.5) < 1e-6) {
    const exact = a.toFixed(Math.min(100, n + 60))
    const dot = exact.indexOf('.')
    const keep = n === 0 ? exact.slice(0, dot) : exact.slice(0, dot + 1 + n)
    const rest = exact.slice(dot + 1 + n)
    const tie = rest[0] === '5' && /^50*$/.test(rest)
    if (tie) {
      const last = keep.charCodeAt(keep.length - 1) - 48
      s = last % 2 === 0 ? keep : a.toFixed(n)
    } else s = a.toFixed(n)
  } else s = a.toFixed(n)
  const v = Number(s)
  return x < 0 ? -v : v
}
