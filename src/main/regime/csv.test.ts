import { describe, expect, it } from 'vitest'
import { CsvValidationError, MIN_CSV_ROWS, parsePriceCsv, splitCsvLine } from './csv'

function csv(rows: string[], header = 'date,close'): string {
  return [header, ...rows].join('\n') + '\n'
}

/** n valid rows from 2020-01-01, one a day. */
function validRows(n: number, volume = false): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)
    return `${d},${(100 + i * 0.5).toFixed(2)}${volume ? `,${1000 + i}` : ''}`
  })
}

function problemsOf(text: string, minRows?: number): Array<{ row: number; message: string }> {
  try {
    parsePriceCsv(text, minRows)
  } catch (e) {
    expect(e).toBeInstanceOf(CsvValidationError)
    return (e as CsvValidationError).problems
  }
  throw new Error('expected a rejection')
}

describe('price CSV (date,close[,volume])', () => {
  it('needs 121 rows: the Hurst warm-up, a vol window and one decision bar', () => {
    expect(MIN_CSV_ROWS).toBe(121)
  })

  it('parses a valid file with and without volume, CRLF and quoted fields', () => {
    const s = parsePriceCsv(csv(validRows(121)).replace(/\n/g, '\r\n'))
    expect(s.close.length).toBe(121)
    expect(s.dates[0]).toBe('2020-01-01')
    expect(s.volume).toBeNull()
    const v = parsePriceCsv(csv(validRows(121, true), 'Date, Close, Volume'))
    expect(v.volume?.[120]).toBe(1120)
    expect(splitCsvLine('"2020-01-01","1,5""x"')).toEqual(['2020-01-01', '1,5"x'])
  })

  it('rejects a wrong header on row 1', () => {
    expect(problemsOf(csv(validRows(121), 'time,price'))).toEqual([{ row: 1, message: expect.stringContaining('"date,close" or "date,close,volume"') }])
  })

  it('names rows with missing or non-numeric values (line numbers, header = row 1)', () => {
    const rows = validRows(130)
    rows[2] = '2020-01-03,'
    rows[5] = '2020-01-06,abc'
    rows[7] = ',101'
    rows[9] = '2020-01-10,-4'
    const p = problemsOf(csv(rows))
    expect(p.map((x) => x.row)).toEqual([4, 7, 9, 11])
    expect(p[0]!.message).toBe('close is missing')
    expect(p[1]!.message).toContain('"abc" is not a number')
    expect(p[2]!.message).toBe('date is missing')
    expect(p[3]!.message).toBe('close must be > 0 (got -4)')
  })

  it('names unsorted and duplicate dates with the row they clash with', () => {
    const rows = validRows(130)
    rows[3] = '2020-01-02,100'
    rows[10] = '2019-12-25,100'
    const p = problemsOf(csv(rows))
    expect(p).toEqual([
      { row: 5, message: 'date 2020-01-02 duplicates row 3' },
      { row: 12, message: 'date 2019-12-25 is earlier than 2020-01-10 on row 11: dates must increase' }
    ])
  })

  it('rejects impossible calendar dates and wrong field counts', () => {
    const rows = validRows(130)
    rows[0] = '2020-02-30,100'
    rows[1] = '2020-01-02,100,5'
    const p = problemsOf(csv(rows))
    expect(p.map((x) => x.row)).toEqual([2, 3])
    expect(p[0]!.message).toContain('not an ISO date')
    expect(p[1]!.message).toContain('expected 2 fields')
  })

  it('rejects too few rows, saying how many are needed', () => {
    const p = problemsOf(csv(validRows(120)))
    expect(p).toHaveLength(1)
    expect(p[0]!.message).toBe('the file has 120 data rows; regime inference needs at least 121')
  })
})
