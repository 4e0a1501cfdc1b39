import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { crc32, readZip, ZipWriter } from './zip'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-zip-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function build(name: string, entries: Array<{ name: string; pieces: string[]; method?: 'deflate' | 'store' }>): Promise<Buffer> {
  const path = join(dir, name)
  const file = await open(path, 'w')
  const zip = new ZipWriter(file)
  for (const e of entries) await zip.add(e.name, e.pieces, e.method)
  await zip.finish()
  await file.close()
  return readFileSync(path)
}

/** Text that compresses (a CSV-like log) spread over many pieces, as the decision log is written. */
const logPieces = Array.from({ length: 40 }, (_, chunk) => Array.from({ length: 200 }, (_, i) => `${chunk * 200 + i},calm,LONG,${Math.sin(chunk * 200 + i).toFixed(9)}\r\n`).join(''))

describe('deterministic ZIP writer', () => {
  it('computes the IEEE CRC-32 (check value of "123456789"), also continued over pieces', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926)
    expect(crc32(Buffer.alloc(0))).toBe(0)
  })

  it('writes entries that Python’s zipfile reads with correct CRCs, sizes, names and the 1980-01-01 date', async () => {
    const zip = await build('a.zip', [
      { name: 'memo.md', pieces: ['# Memo\n', 'café – ünïcode\n'] },
      { name: 'steps.csv', pieces: logPieces },
      { name: 'stored.txt', pieces: ['kept as is'], method: 'store' },
      { name: 'empty.json', pieces: [] }
    ])
    const path = join(dir, 'a.zip')
    const script = [
      'import sys, zipfile, json',
      'z = zipfile.ZipFile(sys.argv[1])',
      'bad = z.testzip()',
      'print(json.dumps({"bad": bad, "names": z.namelist(), "dates": [i.date_time for i in z.infolist()], "memo": z.read("memo.md").decode("utf-8"), "steps": len(z.read("steps.csv")), "types": [i.compress_type for i in z.infolist()]}))'
    ].join('\n')
    const out = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as { bad: string | null; names: string[]; dates: number[][]; memo: string; steps: number; types: number[] }
    expect(out.bad).toBeNull()
    expect(out.names).toEqual(['memo.md', 'steps.csv', 'stored.txt', 'empty.json'])
    expect(out.dates.every((d) => d.join('-') === '1980-1-1-0-0-0')).toBe(true)
    expect(out.memo).toBe('# Memo\ncafé – ünïcode\n')
    expect(out.steps).toBe(Buffer.byteLength(logPieces.join('')))
    expect(out.types).toEqual([8, 8, 0, 8])
    // Our own reader: the deflated pieces form one stream that inflates to the input.
    const entries = readZip(zip)
    const steps = entries.find((e) => e.name === 'steps.csv')!
    const inflated = inflateRawSync(steps.data)
    expect(inflated.toString('utf8')).toBe(logPieces.join(''))
    expect(crc32(inflated)).toBe(steps.crc)
    expect(steps.compressed).toBeLessThan(steps.size / 2)
  })

  it('gives the same bytes for the same entries, and different bytes when one byte differs', async () => {
    const entries = [{ name: 'memo.md', pieces: ['same text'] }, { name: 'steps.csv', pieces: logPieces }]
    const a = await build('x.zip', entries)
    const b = await build('y.zip', entries)
    expect(a.equals(b)).toBe(true)
    const c = await build('z.zip', [{ name: 'memo.md', pieces: ['same texT'] }, { name: 'steps.csv', pieces: logPieces }])
    expect(c.equals(a)).toBe(false)
  })
})
