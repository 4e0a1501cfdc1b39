import { describe, expect, it } from 'vitest'
import { csvField, csvRow, csvTable, parseCsv } from './csv'

describe('RFC 4180 CSV', () => {
  it('quotes only fields with a comma, a quote, CR or LF, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\rhere')).toBe('"cr\rhere"')
    expect(csvField('')).toBe('')
    expect(csvField(' spaced ')).toBe(' spaced ')
  })

  it('prints numbers in full, non-finite and missing values as empty fields', () => {
    expect(csvRow([0.1 + 0.2, -0, 1e21, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true])).toBe('0.30000000000000004,0,1e+21,,,,,true\r\n')
  })

  it('ends every record with CRLF and round-trips through a parser', () => {
    const rows = [
      ['rule', 'message'],
      ['leverage_scale', 'gross leverage 1.01 above the cap 1: "scaled", by 0.98'],
      ['multi', 'line one\r\nline two'],
      ['', '']
    ]
    const text = csvTable(rows[0]!, rows.slice(1))
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.split('\r\n')[0]).toBe('rule,message')
    expect(parseCsv(text)).toEqual(rows)
  })
})
