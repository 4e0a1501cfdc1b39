import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The README and the architecture doc say exactly which checks follow which kill in the crash
// test (issue 12): they once said integrity_check passed "after each" kill while it ran after
// every 10th. The cadence is read from the test itself, so changing it fails here until the
// docs follow.
const root = join(__dirname, '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')
const every = Number(/^const DEEP_CHECK_EVERY = (\d+)$/m.exec(read('src/main/runs/crash-safety.test.ts'))?.[1])
const ordinal = (n: number): string => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`

describe('crash-test documentation', () => {
  it('reads the full-check cadence from crash-safety.test.ts', () => {
    expect(Number.isInteger(every) && every >= 1).toBe(true)
  })

  it("README: integrity_check only where it runs; every kill's own checks without it", () => {
    const readme = read('README.md')
    const start = readme.indexOf('`npm run crash-test` kills')
    const section = readme.slice(start, readme.indexOf('\n## ', start))
    expect(start).toBeGreaterThan(0)
    const bullets = section.split('\n- ').slice(1)
    const perKill = bullets.find((b) => b.startsWith('after every engine kill:'))
    expect(perKill, 'a bullet for what follows every engine kill').toBeDefined()
    expect(perKill).not.toMatch(/integrity_check|foreign_key_check/)
    const full = bullets.find((b) => b.includes('integrity_check') && !b.startsWith('after every main-process kill'))
    expect(full?.replace(/\s+/g, ' ')).toMatch(new RegExp(`^after every ${ordinal(every)} engine kill and the last \\(\\d+ of 100\\): also \`PRAGMA integrity_check\` is ok`))
    expect(section).not.toMatch(/after each, `integrity_check`/)
  })

  it('architecture doc: the same cadence', () => {
    const doc = read('docs/architecture.md').replace(/\s+/g, ' ')
    const at = doc.indexOf('`npm run crash-test` kills the engine')
    expect(at).toBeGreaterThan(0)
    expect(doc.slice(at, at + 700)).toContain(`\`integrity_check\`, \`foreign_key_check\` and a byte re-hash of every run follow every ${ordinal(every)} engine kill, the last, and every main-process kill`)
  })
})
