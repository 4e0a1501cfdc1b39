import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useStoreSandbox } from '../store/test-support'
import { mechanica } from '../cli-test-support'

// `mechanica memo` writes where the person running it says (--out) or into exports/ beside the
// database, and replaces a file only with --overwrite. Runs the BUILT cli (out/main/cli.js).

const sandbox = useStoreSandbox()
describe('mechanica memo', () => {
  it('refuses to replace an existing memo without --overwrite, leaving it as it was, and replaces it with --overwrite', async () => {
    const file = join(sandbox.dir, 'memo.db')
    expect((await mechanica('run', 'credit-spreads', '--seed', '11', '--set', 'T=600', '--db', file, '--json')).code).toBe(0)
    const exportsDir = join(sandbox.dir, 'exports')
    const first = await mechanica('memo', '--db', file, '--run', '1', '--json')
    expect(first.code, first.stderr).toBe(0)
    const written = JSON.parse(first.stdout) as { path: string; sha256: string }
    expect(written.path).toBe(join(exportsDir, 'run-1-memo.md'))

    writeFileSync(written.path, 'the reviewer’s copy\n')
    const outside = join(sandbox.dir, 'notes.md')
    writeFileSync(outside, 'my notes\n')
    mkdirSync(join(sandbox.dir, 'a-folder'))
    symlinkSync(outside, join(sandbox.dir, 'link.md'))
    const refusals: Array<[string[], RegExp]> = [
      [[], /^mechanica: .*exports\/run-1-memo\.md already exists; pass --overwrite to replace it$/],
      [['--out', outside], /^mechanica: .*notes\.md already exists; pass --overwrite to replace it$/],
      [['--out', join(sandbox.dir, 'link.md')], /^mechanica: .*link\.md already exists; pass --overwrite to replace it$/],
      [['--out', join(sandbox.dir, 'no-such-folder', 'memo.md')], /^mechanica: --out: the folder .*no-such-folder does not exist$/],
      [['--out', join(sandbox.dir, 'a-folder')], /^mechanica: --out: .*a-folder is a folder; give a file name$/]
    ]
    const before = readdirSync(sandbox.dir).sort()
    for (const [extra, pattern] of refusals) {
      const { code, stderr } = await mechanica('memo', '--db', file, '--run', '1', ...extra)
      expect(code, extra.join(' ')).toBe(2)
      expect(stderr.trim(), extra.join(' ')).toMatch(pattern)
    }
    expect(readFileSync(written.path, 'utf8')).toBe('the reviewer’s copy\n')
    expect(readFileSync(outside, 'utf8')).toBe('my notes\n')
    expect(readdirSync(sandbox.dir).sort()).toEqual(before)
    expect(readdirSync(exportsDir)).toEqual(['run-1-memo.md'])

    const replaced = await mechanica('memo', '--db', file, '--run', '1', '--overwrite', '--json')
    expect(replaced.code, replaced.stderr).toBe(0)
    expect((JSON.parse(replaced.stdout) as { sha256: string }).sha256).toBe(written.sha256)
    expect(readFileSync(written.path, 'utf8')).toContain('# ')
    expect(readdirSync(exportsDir)).toEqual(['run-1-memo.md'])
  }, 120_000)
})
