// Dense cell formats for the decision log: fixed widths, no locale work in the hot path
// except for large magnitudes, where grouping helps reading.
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatValue(x: number): string {
  if (Number.isNaN(x)) return '—'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞'
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e5) return grouped.format(x)
  if (a >= 100) return x.toFixed(2)
  if (a >= 1) return x.toFixed(4)
  if (a >= 1e-4) return x.toFixed(6)
  return x.toExponential(2)
}

/** Four significant digits, for narrow columns (positions, leverage). */
export function formatShort(x: number): string {
  if (!Number.isFinite(x)) return formatValue(x)
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e4) return grouped.format(x)
  if (a < 1e-3) return x.toExponential(1)
  return String(Number(x.toPrecision(4)))
}

export function formatSigned(x: number): string {
  const text = formatValue(x)
  return x > 0 ? `+${text}` : text
}

export function formatPercentCell(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '—'
}

/** Regimes are coloured by their code: the first is the calm one in every lab, the second its stress. */
export const REGIME_COLOURS = ['var(--ok)', 'var(--bad)', 'var(--warn)', 'var(--accent)', '#b78cff', '#5fd3d3']

export const regimeColour = (code: number): string => REGIME_COLOURS[code % REGIME_COLOURS.length]!

export function sourceClass(source: string): string {
  switch (source) {
    case 'AGENT':
      return 'src-agent'
    case 'OVERRIDE':
      return 'src-override'
    case 'RISK':
      return 'src-risk'
    default:
      return 'src-baseline'
  }
}
