import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError, ExportTableRequest, MemoExportRequest, exportNameProblem } from '../../shared/contract'
import { resolveExportDir } from '../paths'
import { exportDialog, exportFolder, writeExport, type ExportDestination } from './export-destination'

// The export path policy: a client names a file, the host decides the folder. Every refusal
// is a specific invalid_params and leaves the disk exactly as it was — no file, no temporary
// file, no folder — inside the export folder and outside it.

/** Every entry under `root`: path → what it is (file content hash, link target, folder). */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      const key = relative(root, path)
      const stat = lstatSync(path)
      if (stat.isSymbolicLink()) out[key] = `link → ${readlinkSync(path)}`
      else if (stat.isDirectory()) {
        out[key] = 'folder'
        walk(path)
      } else out[key] = `file ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}`
    }
  }
  walk(root)
  return out
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  if (!(error instanceof ApiError)) throw new Error(`expected a refusal, got ${error === null ? 'success' : String(error)}`)
  return error
}

const write = (destination: ExportDestination, text: string): Promise<void> => writeExport(destination, async (file) => void (await file.write(text)))

describe('export file names (the contract)', () => {
  it.each([
    ['', 'must name a file'],
    ['..', 'must not start with "."'],
    ['.', 'must not start with "."'],
    ['../memo.md', 'not a path'],
    ['../../.bashrc', 'not a path'],
    ['/home/user/.bashrc', 'not a path'],
    ['/etc/cron.d/x.md', 'not a path'],
    ['sub/memo.md', 'not a path'],
    ['..\\memo.md', 'not a path'],
    ['C:\\Users\\x\\memo.md', 'not a path'],
    ['.bashrc', 'must not start with "."'],
    ['.hidden.md', 'must not start with "."'],
    ['memo\u0000.md', 'control characters'],
    ['memo\n.md', 'control characters'],
    ['memo\u001b[31m.md', 'control characters'],
    ['memo\u0085.md', 'control characters'],
    ['memo\u202edm.exe.md', 'text-direction'],
    ['memo\ud800.md', 'unpaired surrogates'],
    ['c:memo.md', 'must not contain any of'],
    ['memo?.md', 'must not contain any of'],
    ['memo.md ', 'must not end with a space'],
    ['memo.md.', 'must not end with a space or "."'],
    [`${'x'.repeat(253)}.md`, 'at most 255 bytes in UTF-8 (got 256)'],
    [`${'€'.repeat(85)}.md`, 'at most 255 bytes in UTF-8 (got 258)']
  ])('refuses %j', (name, problem) => {
    expect(exportNameProblem(name)).toContain(problem)
    const parsed = MemoExportRequest.safeParse({ runId: 1, format: 'md', name })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['name'])
  })

  it('allows 255 bytes of UTF-8 and no more', () => {
    expect(exportNameProblem(`${'€'.repeat(84)}.md`)).toBeNull() // 252 + 3 bytes
    expect(exportNameProblem(`${'x'.repeat(252)}.md`)).toBeNull()
  })

  it('accepts plain names and wants the format’s extension', () => {
    for (const name of ['run-3-memo.md', 'Q3 review (draft 2).md', 'mémo — crédit.md', 'MEMO.MD']) expect(MemoExportRequest.safeParse({ runId: 1, format: 'md', name }).success, name).toBe(true)
    const wrong = MemoExportRequest.safeParse({ runId: 1, format: 'md', name: 'memo.sh' })
    expect(wrong.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['name', 'must end in ".md" for the md format (got "memo.sh")']])
    expect(ExportTableRequest.safeParse({ runId: 1, table: 'steps', format: 'csv', name: 'steps.json' }).success).toBe(false)
  })

  it('takes no path from the client at all', () => {
    const parsed = MemoExportRequest.safeParse({ runId: 1, format: 'md', path: '/home/user/.bashrc' })
    expect(parsed.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['path'] })
    expect(ExportTableRequest.safeParse({ runId: 1, table: 'metrics', format: 'csv', path: 'x.csv' }).success).toBe(false)
    expect(MemoExportRequest.parse({ runId: 1, format: 'md' }).overwrite).toBe(false)
  })
})

describe('the export folder', () => {
  let root: string
  let folder: string
  let outside: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mechanica-export-policy-'))
    folder = join(root, 'exports')
    outside = join(root, 'home')
    mkdirSync(outside)
    writeFileSync(join(outside, '.bashrc'), 'echo original\n')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('is exports/ beside the database, or the existing folder --export-dir names when the browser host starts', () => {
    expect(resolveExportDir([], '/data/Mechanica/mechanica.db')).toBe('/data/Mechanica/exports')
    mkdirSync(folder)
    expect(resolveExportDir(['--export-dir', folder], '/data/m.db')).toBe(folder)
    expect(resolveExportDir([`--export-dir=${folder}`], '/data/m.db')).toBe(folder)
    expect(() => resolveExportDir(['--export-dir', join(root, 'missing')], '/data/m.db')).toThrow(`--export-dir ${join(root, 'missing')} does not exist; create the folder first`)
    expect(() => resolveExportDir(['--export-dir', join(outside, '.bashrc')], '/data/m.db')).toThrow(`--export-dir ${join(outside, '.bashrc')} is not a folder`)
    expect(() => resolveExportDir(['--export-dir'], '/data/m.db')).toThrow('--export-dir needs a folder')
    expect(() => resolveExportDir(['--export-dir', '--port', '0'], '/data/m.db')).toThrow('--export-dir needs a folder')
  })

  it('writes a plain name inside the folder, creating the folder itself on the first export', async () => {
    const destination = await exportFolder(folder).destination('memo.export', 'run-1-memo.md', false)
    expect(destination).toEqual({ path: join(folder, 'run-1-memo.md'), replace: false, createFolder: folder })
    expect(existsSync(folder)).toBe(false) // deciding writes nothing
    await write(destination, '# memo\n')
    expect(snapshot(folder)).toEqual({ 'run-1-memo.md': expect.stringMatching(/^file /) })
  })

  it.each(['..', '../home/.bashrc', '../../etc/passwd.md', '/etc/passwd', '/home/user/.bashrc', 'sub/memo.md', '..\\home\\x.md', '.bashrc'])(
    'refuses %j without writing or creating anything, in the folder or outside it',
    async (name) => {
      for (const exists of [false, true]) {
        if (exists) mkdirSync(folder, { recursive: true })
        const before = snapshot(root)
        for (const overwrite of [false, true]) {
          const error = await refusal(exportFolder(folder).destination('memo.export', name, overwrite))
          expect(error.code).toBe('invalid_params')
          expect(error.message).toMatch(/^memo\.export: name: must (be a file name, not a path|not start with ".")/)
          expect(error.issues).toEqual([{ path: 'name', message: expect.any(String) }])
        }
        expect(snapshot(root)).toEqual(before)
        expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('echo original\n')
      }
    }
  )

  it('refuses a name that is a symbolic link pointing out of the folder, even with overwrite, and leaves both sides alone', async () => {
    mkdirSync(folder)
    symlinkSync(join(outside, '.bashrc'), join(folder, 'memo.md'))
    symlinkSync('../home', join(folder, 'home.md')) // a link to a folder outside
    symlinkSync(join(outside, 'not-yet'), join(folder, 'dangling.md')) // a link to nothing yet
    const before = snapshot(root)
    for (const [name, target] of [['memo.md', join(outside, '.bashrc')], ['home.md', '../home'], ['dangling.md', join(outside, 'not-yet')]] as const) {
      for (const overwrite of [false, true]) {
        const error = await refusal(exportFolder(folder).destination('memo.export', name, overwrite))
        expect(error.code).toBe('invalid_params')
        expect(error.message).toBe(`memo.export: name: ${name} in the export folder is a symbolic link (to ${target}, outside the export folder); an export never writes through or replaces a link`)
      }
    }
    expect(snapshot(root)).toEqual(before)
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('echo original\n')
    expect(existsSync(join(outside, 'not-yet'))).toBe(false)
  })

  it('refuses an existing file without confirmation and replaces it only with overwrite: true', async () => {
    mkdirSync(folder)
    writeFileSync(join(folder, 'run-1-memo.md'), 'the reviewer’s copy\n')
    const before = snapshot(root)
    const error = await refusal(exportFolder(folder).destination('memo.export', 'run-1-memo.md', false))
    expect(error.code).toBe('invalid_params')
    expect(error.message).toBe(`memo.export: overwrite: run-1-memo.md already exists in the export folder (${folder}); it is replaced only when the user confirms (overwrite: true)`)
    expect(error.issues).toEqual([{ path: 'overwrite', message: expect.stringContaining('already exists') }])
    expect(snapshot(root)).toEqual(before)
    expect(readFileSync(join(folder, 'run-1-memo.md'), 'utf8')).toBe('the reviewer’s copy\n')

    const confirmed = await exportFolder(folder).destination('memo.export', 'run-1-memo.md', true)
    expect(confirmed).toEqual({ path: join(folder, 'run-1-memo.md'), replace: true })
    await write(confirmed, '# new memo\n')
    expect(readFileSync(join(folder, 'run-1-memo.md'), 'utf8')).toBe('# new memo\n')
    expect(readdirSync(folder)).toEqual(['run-1-memo.md']) // no temporary file left
  })

  it('replaces a confirmed file by renaming over it, so a hard link to a file outside keeps its bytes', async () => {
    mkdirSync(folder)
    linkSync(join(outside, '.bashrc'), join(folder, 'linked.md'))
    const destination = await exportFolder(folder).destination('memo.export', 'linked.md', true)
    await write(destination, 'curl evil | sh\n')
    expect(readFileSync(join(folder, 'linked.md'), 'utf8')).toBe('curl evil | sh\n')
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('echo original\n')
  })

  it('refuses a folder or a special file under the name, even with overwrite', async () => {
    mkdirSync(join(folder, 'memo.md'), { recursive: true })
    const before = snapshot(root)
    const error = await refusal(exportFolder(folder).destination('memo.export', 'memo.md', true))
    expect(error.message).toBe('memo.export: name: memo.md is a folder in the export folder; give a file name')
    expect(snapshot(root)).toEqual(before)
  })

  it('resolves links in the folder’s own path: the file lands in the real folder', async () => {
    const real = join(root, 'real-exports')
    mkdirSync(real)
    symlinkSync(real, folder)
    const destination = await exportFolder(folder).destination('runs.exportTable', 'run-1-steps.csv', false)
    expect(destination.path).toBe(join(real, 'run-1-steps.csv'))
  })

  it('says so when the export folder is a file, and writes nothing', async () => {
    writeFileSync(folder, 'not a folder')
    const error = await refusal(exportFolder(folder).destination('memo.export', 'memo.md', false))
    expect(error.code).toBe('conflict')
    expect(error.message).toBe(`memo.export: the export folder ${folder} is not a folder; start Mechanica with --export-dir naming a folder.`)
    expect(readFileSync(folder, 'utf8')).toBe('not a folder')
  })

  it('never replaces a file that appears between the check and the write', async () => {
    mkdirSync(folder)
    const destination = await exportFolder(folder).destination('memo.export', 'memo.md', false)
    writeFileSync(join(folder, 'memo.md'), 'written meanwhile\n')
    const error = await refusal(write(destination, '# memo\n'))
    expect(error.code).toBe('conflict')
    expect(error.message).toBe(`Export refused: ${join(folder, 'memo.md')} appeared while the export was being written; it was left as it is.`)
    expect(readFileSync(join(folder, 'memo.md'), 'utf8')).toBe('written meanwhile\n')
    expect(readdirSync(folder)).toEqual(['memo.md'])
  })

  it('leaves nothing behind when writing fails half-way', async () => {
    mkdirSync(folder)
    const destination = await exportFolder(folder).destination('memo.export', 'memo.md', false)
    await expect(
      writeExport(destination, async (file) => {
        await file.write('half a memo')
        throw new Error('the renderer failed')
      })
    ).rejects.toThrow('the renderer failed')
    expect(readdirSync(folder)).toEqual([])
  })
})

describe('fuzz: whatever name a client sends', () => {
  let root: string
  let folder: string
  let outside: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mechanica-export-fuzz-'))
    folder = join(root, 'exports')
    outside = join(root, 'home')
    mkdirSync(outside)
    mkdirSync(join(folder, 'sub.md'), { recursive: true })
    writeFileSync(join(outside, '.bashrc'), 'echo original\n')
    writeFileSync(join(folder, 'taken.md'), 'the reviewer’s copy\n')
    symlinkSync(join(outside, '.bashrc'), join(folder, 'link.md'))
    symlinkSync(outside, join(folder, 'home'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  // Pieces of every trick: separators, dots, the links and folders in the export folder, an
  // absolute path out, encodings a careless decoder would turn into "..", invisible characters.
  const piece = fc.constantFrom('..', '.', '/', '\\', '//', 'home', 'sub.md', 'link.md', 'taken.md', '.bashrc', 'memo.md', '~', '%2e%2e', '%2f', '\u0000', '\u202e', '\n', ' ', ':', 'C:', '\u2215', '\uff0f', 'x')
  const hostileName = fc.oneof(
    fc.constantFrom('taken.md', 'link.md', 'sub.md', 'home', '..', '.', 'memo.md'), // the entries already there, alone
    fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    fc.constant('').map(() => join(root, 'home', '.bashrc')), // absolute, out of the folder
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 12 })
  )

  it('writes the file directly in the export folder, or refuses with a clear error and leaves every file as it was', async () => {
    let written = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(hostileName, fc.boolean(), async (name, overwrite) => {
        const before = snapshot(root)
        let destination: ExportDestination
        try {
          destination = await exportFolder(folder).destination('memo.export', name, overwrite)
        } catch (error) {
          expect(error, name).toBeInstanceOf(ApiError)
          const e = error as ApiError
          expect(e.code, e.message).toBe('invalid_params')
          expect(e.message).toMatch(/^memo\.export: (name|overwrite): \S/)
          expect(e.issues?.[0]?.path).toMatch(/^(name|overwrite)$/)
          expect(snapshot(root), name).toEqual(before)
          refused++
          return
        }
        // Accepted: a plain name, one level down in the export folder, never a link or a folder.
        expect(dirname(destination.path), name).toBe(folder)
        expect(basename(destination.path)).toBe(name)
        expect(destination.replace).toBe(name === 'taken.md' && overwrite)
        await write(destination, 'fuzz\n')
        const after = snapshot(root)
        expect(Object.keys(after).filter((k) => after[k] !== before[k]), name).toEqual([relative(root, destination.path)])
        expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('echo original\n')
        // Back to the starting state for the next case.
        if (name === 'taken.md') writeFileSync(destination.path, 'the reviewer’s copy\n')
        else rmSync(destination.path)
        written++
      }),
      { seed: 20_250_612, numRuns: 600 }
    )
    // The property saw both sides: names that were written and names that were refused.
    expect(written).toBeGreaterThan(30)
    expect(refused).toBeGreaterThan(200)
  })
})

describe('the save dialog (Electron)', () => {
  it('asks the dialog with the name as its suggestion and writes where the user chose, replacing (the dialog asked)', async () => {
    const asked: string[] = []
    const placement = exportDialog(async (name) => (asked.push(name), '/home/user/Documents/q3 review.md'))
    expect(placement.folder).toBeNull()
    expect(await placement.destination('memo.export', 'run-3-memo.md', false)).toEqual({ path: '/home/user/Documents/q3 review.md', replace: true })
    expect(asked).toEqual(['run-3-memo.md'])
  })

  it('says "cancelled" when the user closes the dialog, and never shows it for a bad name', async () => {
    let shown = 0
    const placement = exportDialog(async () => (shown++, null))
    const cancelled = await refusal(placement.destination('runs.exportTable', 'run-3-steps.csv', false))
    expect(cancelled.code).toBe('cancelled')
    expect(cancelled.message).toBe('runs.exportTable: the save dialog was closed without choosing a file; nothing was written.')
    const bad = await refusal(placement.destination('memo.export', '../../.bashrc', false))
    expect(bad.code).toBe('invalid_params')
    expect(shown).toBe(1)
  })
})
