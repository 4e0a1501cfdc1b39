import { FEATURE_WARMUP, VOL_WINDOW } from './features'

// A user's price series for regime inference: `date,close[,volume]`. No CSV dependency is
// installed (no papaparse, no csv-parse), so this is a strict RFC-4180-enough parser: comma
// separator, optional double-quoted fields with "" escapes, CRLF or LF; no multi-line fields.

/**
 * At least the Hurst warm-up, one vol window of valid features to fit on, and one bar to
 * decide on with one bar of latency: 100 + 20 + 1 = 121 rows.
 */
export const MIN_CSV_ROWS = FEATURE_WARMUP + VOL_WINDOW + 1

/** One problem, at a 1-based line number of the file (line 1 is the header). */
export interface CsvProblem {
  row: number
  message: string
}

export class CsvValidationError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    const shown = problems.slice(0, 5).map((p) => `row ${p.row}: ${p.message}`)
    if (problems.length > 5) shown.push(`and ${problems.length - 5} more`)
    super(`the CSV was rejected: ${shown.join('; ')}`)
    this.name = 'CsvValidationError'
  }
}

export interface PriceSeries {
  dates: string[]
  close: Float64Array
  volume: Float64Array | null
}

/** Splits one line into fields; null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else field += ch
  }
  if (quoted) return null
  fields.push(field)
  return fields
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:\d{2})?)?$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** Milliseconds since the epoch for an ISO date (UTC when no zone), or null if not a real date. */
export function parseIsoDate(text: string): number | null {
  const m = ISO_DATE.exec(text)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const day = Date.UTC(y, mo - 1, d)
  const check = new Date(day)
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null
  if (m[4] === undefined) return day
  const ms = Date.parse(m[7] === undefined ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T'))
  return Number.isFinite(ms) ? ms : null
}

function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null
  const x = Number(text)
  return Number.isFinite(x) ? x : null
}

/**
 * Parses and validates; throws CsvValidationError naming every offending row. Rules: header
 * `date,close` or `date,close,volume` (case and spaces ignored); ISO dates, strictly increasing,
 * no duplicates; close a finite number > 0; volume (if present) a finite number ≥ 0; at least
 * `minRows` data rows. Blank lines are skipped (a trailing newline is common).
 */
export function parsePriceCsv(text: string, minRows = MIN_CSV_ROWS): PriceSeries {
  const problems: CsvProblem[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.trim().toLowerCase())
  const hasVolume = header?.length === 3 && header[2] === 'volume'
  if (!header || header[0] !== 'date' || header[1] !== 'close' || !(header.length === 2 || hasVolume)) {
    throw new CsvValidationError([{ row: 1, message: `the header must be "date,close" or "date,close,volume" (got ${JSON.stringify(lines[0] ?? '')})` }])
  }
  const width = hasVolume ? 3 : 2
  const dates: string[] = []
  const close: number[] = []
  const volume: number[] = []
  const seen = new Map<number, number>()
  let previous: { ms: number; row: number; date: string } | null = null
  for (let i = 1; i < lines.length; i++) {
    const row = i + 1
    const line = lines[i]!
    if (line.trim() === '') continue
    const fields = splitCsvLine(line)?.map((f) => f.trim())
    if (!fields) {
      problems.push({ row, message: 'a quoted field is not closed' })
      continue
    }
    if (fields.length !== width) {
      problems.push({ row, message: `expected ${width} fields (${header.join(',')}), got ${fields.length}` })
      continue
    }
    const [dateText, closeText, volumeText] = fields as [string, string, string | undefined]
    let ok = true
    const fail = (message: string): void => {
      problems.push({ row, message })
      ok = false
    }
    const ms = dateText === '' ? null : parseIsoDate(dateText)
    if (dateText === '') fail('date is missing')
    else if (ms === null) fail(`date ${JSON.stringify(dateText)} is not an ISO date (YYYY-MM-DD)`)
    const c = closeText === '' ? null : parseNumber(closeText)
    if (closeText === '') fail('close is missing')
    else if (c === null) fail(`close ${JSON.stringify(closeText)} is not a number`)
    else if (!(c > 0)) fail(`close must be > 0 (got ${c})`)
    let vol = 0
    if (hasVolume) {
      const v = volumeText === '' ? null : parseNumber(volumeText ?? '')
      if (volumeText === '') fail('volume is missing')
      else if (v === null) fail(`volume ${JSON.stringify(volumeText)} is not a number`)
      else if (v < 0) fail(`volume must be ≥ 0 (got ${v})`)
      else vol = v
    }
    if (ms !== null) {
      const first = seen.get(ms)
      if (first !== undefined) fail(`date ${dateText} duplicates row ${first}`)
      else {
        seen.set(ms, row)
        if (previous && ms < previous.ms) fail(`date ${dateText} is earlier than ${previous.date} on row ${previous.row}: dates must increase`)
        previous = { ms, row, date: dateText }
      }
    }
    if (ok) {
      dates.push(dateText)
      close.push(c!)
      volume.push(vol)
    }
  }
  const dataRows = lines.slice(1).filter((l) => l.trim() !== '').length
  if (problems.length === 0 && dataRows < minRows) {
    problems.push({ row: lines.length, message: `the file has ${dataRows} data rows; regime inference needs at least ${minRows}` })
  }
  if (problems.length > 0) throw new CsvValidationError(problems)
  return { dates, close: Float64Array.from(close), volume: hasVolume ? Float64Array.from(volume) : null }
}
