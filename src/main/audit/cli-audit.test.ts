import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VerificationStatus } from '../../shared/contract'
import { openDatabase } from '../store/database'
import { AuditStore } from '../store/audit-store'
import { useStoreSandbox } from '../store/test-support'
import { mechanica } from '../cli-test-support'

// `mechanica verify` and `replay` speak the audit trail's vocabulary, like the app and the memo.
// Runs the BUILT cli (out/main/cli.js) against a database it wrote itself.

const sandbox = useStoreSandbox()

const review = (file: string, verdict: 'sign-off' | 'findings'): void => {
  const db = openDatabase(file)
  try {
    new AuditStore(db).appendReview(1, { reviewer: 'R. Committee', at: '2026-11-22T00:00:00.000Z', verdict, notes: '' }, null)
  } finally {
    db.close()
  }
}

describe('mechanica verify and replay', () => {
  it('print the verification status in the words of the UI and the memo, from "Not verified" to "Chain broken"', async () => {
    const file = join(sandbox.dir, 'audit.db')
    expect((await mechanica('run', 'credit-spreads', '--seed', '11', '--set', 'T=600', '--db', file, '--json')).code).toBe(0)

    const fresh = await mechanica('verify', '--db', file, '--run', '1')
    expect(fresh.stdout.trim()).toMatch(/^run #1: Not verified — intact: \d+ links to head [0-9a-f]{16}…$/)
    const json = JSON.parse((await mechanica('verify', '--db', file, '--run', '1', '--json')).stdout) as { verificationStatus: string; status: string }
    expect(json).toMatchObject({ status: 'intact', verificationStatus: 'Not verified' })
    expect(VerificationStatus.options).toContain(json.verificationStatus)

    // A replay alone does not verify a run: it says what it found and the status stays.
    const replay = await mechanica('replay', '--db', file, '--run', '1')
    expect(replay.code).toBe(0)
    expect(replay.stdout.trim()).toMatch(/^run #1: Not verified — replay identical \(\d+ steps\), results hash [0-9a-f]{64}$/)

    review(file, 'sign-off')
    expect((await mechanica('verify', '--db', file, '--run', '1')).stdout).toMatch(/^run #1: Verified — intact/)
    review(file, 'findings')
    expect((await mechanica('verify', '--db', file)).stdout).toMatch(/^run #1: Findings — intact/)

    const db = openDatabase(file)
    db.prepare(`UPDATE run_step_chunks SET data = zeroblob(length(data)) WHERE run_id = 1 AND chunk = 0 AND name = 'equity'`).run()
    db.close()
    const broken = await mechanica('verify', '--db', file, '--run', '1')
    expect(broken.code).toBe(1)
    expect(broken.stdout).toMatch(/^run #1: Chain broken — BROKEN at position 0: changed/)
  })
})
