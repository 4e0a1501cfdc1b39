import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMITTEE_SECTIONS, MEMO_FIELDS } from '../src/shared/contract'
import { formatFact } from '../src/shared/contract/memo-sections'
import { openDatabase, type Db } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { parseCsv } from '../src/main/memo/csv'
import { openWorkstation, root, screenshotPath, type Session } from './support/host'

// The committee memo of a real lab run in the browser host: open it, read the facts (checked
// against the store), write a field, export Markdown, HTML, the zip and a table into the export
// folder twice (same bytes; the second time only after "Replace"), keep a file when told to,
// refuse a path from a hostile client, and print the HTML memo to PDF the way Chromium's print
// route does.
describe('memo view in the browser host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-memo-'))
  const databasePath = join(dir, 'memo.db')
  const cli = (...args: string[]) => execFileSync(process.execPath, [join(root, 'out/main/cli.js'), ...args], { encoding: 'utf8' })
  let session: Session
  let runId: number
  let store: Db
  let repo: RunsRepository
  const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

  beforeAll(async () => {
    // credit-spreads with a leverage cap of 1: the risk gate scales targets, so constraints bind.
    runId = (JSON.parse(cli('run', 'credit-spreads', '--seed', '11', '--set', 'risk_params.max_leverage=1', '--db', databasePath, '--json')) as { runId: number }).runId
    session = await openWorkstation(databasePath)
    store = openDatabase(databasePath, { readonly: true })
    repo = new RunsRepository(store)
  })

  afterAll(async () => {
    store?.close()
    await session?.close()
  })

  const page = () => session.page

  it('opens with Alt+0, runs the stress variants once and shows the facts the store holds', async () => {
    await page().keyboard.press('Alt+0')
    await page().getByText('Select a completed lab run to write its memo').waitFor()
    await page().getByLabel('Run', { exact: true }).selectOption(String(runId))
    await page().locator('.memo-field[data-field="costDrivers"]').getByText(/Dominant cost component: impact/).waitFor({ timeout: 60_000 })
    for (const f of MEMO_FIELDS) await page().getByLabel(new RegExp(`^\\d\\. ${f.title}$`)).waitFor()
    for (const s of COMMITTEE_SECTIONS) expect(await page().getByLabel(s.title, { exact: true }).count()).toBe(1)
    // Facts against the store: constraint events, the first binding rule, the stress runs.
    const events = repo.events(runId)
    const constrained = page().locator('.memo-field[data-field="constrainedActions"] .memo-facts')
    expect(await constrained.textContent()).toContain(`${formatFact(events.length)} constraint events. Binds first: ${events[0]!.rule} at step ${formatFact(events[0]!.t)}`)
    const stressRows = page().locator('.memo-field[data-field="stressBreaks"] table').first().locator('tbody tr')
    expect(await stressRows.count()).toBeGreaterThan(3)
    const variantRuns = (await stressRows.locator('td:nth-child(2)').allTextContents()).slice(1).map((t) => Number(t.slice(1)))
    for (const id of variantRuns) expect(repo.get(id)?.status).toBe('completed')
    const results = repo.results(runId)
    if (results?.kind !== 'lab') throw new Error('expected lab results')
    const metrics = page().getByRole('region', { name: 'Metrics' })
    expect(await metrics.textContent()).toContain(`total_costs${formatFact(results.metrics.total_costs!)}`)
    expect(await page().getByTestId('memo-verification').textContent()).toContain('Not verified · chain intact')
  })

  it('saves a narrative field when it loses focus', async () => {
    const field = page().getByLabel('1. Mechanism in one sentence')
    await field.fill('Spread carry harvested under a leverage cap; impact in liquidity stress eats it.')
    await page().getByLabel('6. Mandatory risk control for a real deployment').click()
    await expect.poll(() => page().locator('.memo-saved').textContent()).toContain('saved')
    const saved = store.prepare(`SELECT text FROM run_memos WHERE run_id = ? AND field = 'mechanism' ORDER BY seq DESC LIMIT 1`).pluck().get(runId)
    expect(saved).toBe('Spread carry harvested under a leverage cap; impact in liquidity stress eats it.')
    await page().locator('.memo-body').evaluate((el) => (el.scrollTop = 0))
    await page().screenshot({ path: screenshotPath('memo') })
  })

  const exportsDir = join(dir, 'exports')
  const exportGroup = () => page().getByRole('group', { name: 'Export memo' })
  const replaceQuestion = () => page().getByRole('alertdialog', { name: 'Replace the existing file?' })

  /** Clicks an export button; where the file exists, answers the "Replace?" question with `answer`. */
  const exportOnce = async (button: string, what: string, answer?: 'Replace' | 'Keep the existing file'): Promise<{ path: string; sha: string }> => {
    await exportGroup().getByRole('button', { name: button, exact: true }).click()
    if (answer) {
      await replaceQuestion().waitFor()
      await replaceQuestion().getByRole('button', { name: answer }).click()
      if (answer !== 'Replace') {
        await replaceQuestion().waitFor({ state: 'detached' })
        return { path: '', sha: '' }
      }
    }
    await expect.poll(() => page().getByTestId('memo-export-result').textContent()).toContain(what)
    const path = (await page().getByTestId('memo-export-path').textContent())!
    const shown = (await page().getByTestId('memo-export-sha').textContent())!
    expect(existsSync(path)).toBe(true)
    expect(sha(path)).toBe(shown)
    return { path, sha: shown }
  }

  it('exports Markdown, HTML and the zip into the export folder, the same bytes again after "Replace", and the CLI writes the same memo', async () => {
    expect(session.host.output()).toContain(`exports:  ${exportsDir}`)
    for (const [button, ext] of [['Markdown', 'md'], ['HTML', 'html'], ['Zip', 'zip']] as const) {
      const what = button === 'Zip' ? 'Zip bundle' : button
      const first = await exportOnce(button, what)
      expect(first.path).toBe(join(exportsDir, `run-${runId}-memo.${ext}`))
      // The file is there now: the second export asks before replacing it.
      const second = await exportOnce(button, what, 'Replace')
      expect(await replaceQuestion().count()).toBe(0)
      expect(second.path).toBe(first.path)
      expect(second.sha).toBe(first.sha)
      if (ext === 'md') {
        const text = readFileSync(first.path, 'utf8')
        expect(text).toContain('Spread carry harvested under a leverage cap')
        const fromCli = JSON.parse(cli('memo', '--db', databasePath, '--run', String(runId), '--format', 'md', '--out', join(dir, 'cli-memo.md'), '--json')) as { sha256: string }
        expect(fromCli.sha256).toBe(first.sha)
      }
    }
    expect(readdirSync(exportsDir).sort()).toEqual([`run-${runId}-memo.html`, `run-${runId}-memo.md`, `run-${runId}-memo.zip`])
  })

  it('keeps a file already in the export folder when the user says so, and writes nothing', async () => {
    const path = join(exportsDir, `run-${runId}-memo.md`)
    writeFileSync(path, 'the reviewer’s own copy\n')
    await exportOnce('Markdown', 'Markdown', 'Keep the existing file')
    expect(readFileSync(path, 'utf8')).toBe('the reviewer’s own copy\n')
    expect(await page().getByTestId('memo-export-result').count()).toBe(0)
    expect(await page().getByRole('alert').count()).toBe(0)
    expect(readdirSync(exportsDir).filter((f) => f.startsWith('.'))).toEqual([]) // no temporary file
  })

  it('exports a table into the export folder, asking before it replaces one', async () => {
    await page().getByLabel('Table', { exact: true }).selectOption('steps')
    await page().getByLabel('Table format').selectOption('csv')
    const results = repo.results(runId)
    if (results?.kind !== 'lab') throw new Error('expected lab results')
    const first = await exportOnce('Export table', 'steps table (CSV')
    expect(first.path).toBe(join(exportsDir, `run-${runId}-steps.csv`))
    expect(parseCsv(readFileSync(first.path, 'utf8')).slice(1)).toHaveLength(results.steps)
    const again = await exportOnce('Export table', 'steps table (CSV', 'Replace')
    expect(again.sha).toBe(first.sha)
  })

  it('refuses a path from a client that is not the app’s own UI: nothing is written outside the export folder', async () => {
    const outside = join(dir, 'outside.md')
    const absolute = join(dir, 'absolute.md')
    // A compromised page holding the token: a path, a ".." name, an absolute name.
    const replies = await page().evaluate(async ({ run, absolute }) => {
      const socket = new WebSocket(new URL('api', location.href.replace(/^http/, 'ws'))) // beside the page, where its cookie goes
      await new Promise((resolve, reject) => {
        socket.onopen = resolve
        socket.onerror = reject
      })
      const calls = [
        { runId: run, format: 'md', path: '../outside.md' },
        { runId: run, format: 'md', name: '../outside.md' },
        { runId: run, format: 'md', name: absolute, overwrite: true }
      ]
      const answers: unknown[] = []
      for (const [i, params] of calls.entries()) {
        const reply = new Promise((resolve) => {
          const listen = (event: MessageEvent): void => {
            const message = JSON.parse(String(event.data)) as { type: string; id?: number }
            if (message.type === 'result' && message.id === 900 + i) {
              socket.removeEventListener('message', listen)
              resolve(message)
            }
          }
          socket.addEventListener('message', listen)
        })
        socket.send(JSON.stringify({ type: 'call', id: 900 + i, method: 'memo.export', params }))
        answers.push(await reply)
      }
      socket.close()
      return answers
    }, { run: runId, absolute })
    expect(replies).toEqual([
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'invalid_params', message: expect.stringContaining('memo.export: ') }) }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'invalid_params', message: expect.stringContaining('must be a file name, not a path') }) }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'invalid_params', message: expect.stringContaining('must be a file name, not a path') }) })
    ])
    expect(existsSync(outside)).toBe(false)
    expect(existsSync(absolute)).toBe(false)
  })

  it('prints the HTML memo to PDF through Chromium (the browser host’s PDF route)', async () => {
    await page().getByRole('group', { name: 'Export memo' }).getByRole('button', { name: 'Print PDF' }).click()
    await expect.poll(() => page().getByTestId('memo-export-result').textContent()).toContain('PDF (print dialog)')
    const html = await page().getByTestId('memo-print-frame').evaluate((frame) => (frame as HTMLIFrameElement).srcdoc)
    expect(html).toContain('<h2>One-page memo</h2>')
    const printer = await session.browser.newPage()
    await printer.setContent(html)
    const pdf = await printer.pdf({ format: 'A4', printBackground: true })
    await printer.close()
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(20_000)
  })
})
