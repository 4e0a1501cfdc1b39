import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'

// `mechanica sweep` as a user runs it: batched cells when nothing is stored, one stored run per
// cell with --db; both print the same rows.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-cli-sweep-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Row {
  label: string
  seed: number
  ok: boolean
  resultsHash?: string
  metrics?: Record<string, number | null>
  runId?: number
}

describe('mechanica sweep', () => {
  it('prints the same rows from batched cells as from stored runs, cell for cell', async () => {
    const args = ['sweep', 'fx-carry', '--seeds', '1..5', '--set', 'T=200', '--jobs', '2', '--json']
    const batched = await mechanica(...args)
    const stored = await mechanica(...args, '--db', join(dir, 'sweep.db'))
    expect(batched.code, batched.stderr).toBe(0)
    expect(stored.code, stored.stderr).toBe(0)
    const a = JSON.parse(batched.stdout) as { table: Row[] }
    const b = JSON.parse(stored.stdout) as { table: Row[] }
    expect(a.table.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5])
    expect(a.table.every((r) => r.ok && /^[0-9a-f]{64}$/.test(r.resultsHash ?? ''))).toBe(true)
    expect(new Set(a.table.map((r) => r.resultsHash)).size).toBe(5)
    expect(b.table.map(({ runId: _runId, ...row }) => row)).toEqual(a.table)
    expect(b.table.map((r) => r.runId)).toEqual([1, 2, 3, 4, 5])
  }, 60_000)
})
