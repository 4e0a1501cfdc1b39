import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename, dirname } from 'node:path'
import { ApiError, exportFileName, type LabResults, type LabRunSpec, type RunAudit, type RunSummary, type StressVariant } from '../../shared/contract'
import type { ExportedFile, MemoFacts, MemoFieldId, MemoFormat, MemoView, RunTable } from '../../shared/contract/memo'
import { verificationStatus } from '../audit/audit-service'
import type { Clock } from '../clock'
import type { AuditStore } from '../store/audit-store'
import type { Db } from '../store/database'
import type { RunsRepository } from '../store/runs-repository'
import { memoCharts } from './charts'
import { csvTable } from './csv'
import { completeNarrative, type MemoDocument } from './document'
import { ensembleOfRun } from '../agent/ensemble/stored-pairs'
import { digestStepLog, memoFacts, summariseConstraints, type RunDigest, type StressOutcome, type SurfaceOverview } from './facts'
import { MemoStore } from './memo-store'
import { renderHtml } from './render-html'
import { renderMarkdown } from './render-markdown'
import { actionsRows, eventsCsv, eventsJson, metricsRows, rowsJson, stepsCsv, stepsJsonArray, stepsJsonl, type StoredEventRow } from './tables'
import { writeExport, type ExportDestination, type PlaceExport } from './export-destination'
import { ZipWriter } from './zip'
import type { PortfolioMemoFacts, RiskDeskMemoFacts } from '../../shared/contract'

/** How the memo gets its stress runs: the engine service in the app, the CLI's own process headless. */
export interface StressRunner {
  /** The lab's stress menu for the config a spec resolves to. */
  menu(spec: LabRunSpec): Promise<StressVariant[]>
  /** The config hash a spec resolves to. */
  configHash(spec: LabRunSpec): Promise<string>
  /** Runs the spec as an ordinary stored run and resolves with its id once it has ended. */
  run(spec: LabRunSpec): Promise<number>
}

export interface MemoServiceOptions {
  db: Db
  runs: RunsRepository
  audit: AuditStore
  clock: Clock
  /** The code version new runs are written under. */
  codeVersion: string
  labInfo(lab: string): Promise<{ title: string; chapter: number; description: string }>
  stress: StressRunner
  /** The run's surface summaries over the whole run (null where the lab or the run gives none). */
  surface?(run: RunSummary, steps: number): Promise<SurfaceOverview | null>
  /** Electron's printToPDF; absent under the browser host. */
  printToPdf?(html: string): Promise<Buffer>
  onProgress?(done: number, total: number, label: string): void
  /** The newest stored portfolio holding the run, with its risk from the engine (undefined: none). */
  portfolio?(runId: number): Promise<PortfolioMemoFacts | undefined>
  /** The risk desk's stored work on that portfolio: stress, limit breaches, walk-forward. */
  riskDesk?(portfolioId: number): RiskDeskMemoFacts
}

export const STRESS_METHOD =
  'Stress comparisons: each variant of the lab’s stress menu changes one factor of this run’s configuration (same preset, seed and other overrides). Each variant is an ordinary stored run, reused when a completed run with the same config hash and code version exists and run in the engine otherwise.'

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Writes pieces atomically, hashing them on the way. */
async function writePieces(destination: ExportDestination, pieces: Iterable<string | Buffer>): Promise<ExportedFile> {
  const hash = createHash('sha256')
  let bytes = 0
  await writeExport(destination, async (file) => {
    for (const piece of pieces) {
      const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
      if (buffer.length === 0) continue
      hash.update(buffer)
      bytes += buffer.length
      await file.write(buffer)
    }
  })
  return { path: destination.path, bytes, sha256: hash.digest('hex') }
}

async function hashFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  return { bytes, sha256: hash.digest('hex') }
}

/** Pieces passed through with their byte count and sha256 taken on the way. */
function* measured(pieces: Iterable<string>, into: { bytes: number; hash: ReturnType<typeof createHash> }): Generator<string> {
  for (const piece of pieces) {
    const buffer = Buffer.from(piece, 'utf8')
    into.hash.update(buffer)
    into.bytes += buffer.length
    yield piece
  }
}

/**
 * The committee memo of a lab run: its facts (computed from the store and the run's stress
 * variants, which are stored runs too), the narrative a reviewer writes, and its exports. Every
 * export is a function of the stored run, its stress runs, the narrative and the reviews: the
 * same inputs give the same bytes.
 */
export class MemoService {
  private readonly store: MemoStore
  /** Facts depend only on stored, immutable runs, so a run's are computed once. */
  private readonly factsCache = new Map<number, Promise<MemoFacts>>()

  constructor(private readonly options: MemoServiceOptions) {
    this.store = new MemoStore(options.db)
  }

  private labRun(runId: number): { run: RunSummary & { spec: LabRunSpec }; results: LabResults } {
    const run = this.options.runs.get(runId)
    if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
    if (run.spec.task !== 'lab') throw new ApiError('invalid_params', `Run #${runId} is a random walk; a memo belongs to a lab run.`)
    if (run.status !== 'completed') throw new ApiError('invalid_params', `Run #${runId} is ${run.status}; only a completed run has the results a memo reports.`)
    const results = this.options.runs.results(runId)
    if (!results || results.kind !== 'lab') throw new ApiError('invalid_params', `Run #${runId} has no stored lab results.`)
    return { run: run as RunSummary & { spec: LabRunSpec }, results }
  }

  private digest(runId: number): RunDigest {
    const run = this.options.runs.get(runId)!
    const log = this.options.runs.stepLog(runId)
    const results = this.options.runs.results(runId)
    const stored = this.options.audit.storedLog(runId)
    const digest = digestStepLog(stored.chunks, log?.meta ? { regimeNames: log.meta.regimeNames, actionNames: log.meta.actionNames, costComponents: log.meta.costComponents, pnlComponents: log.meta.pnlComponents } : undefined)
    return {
      runId,
      configHash: run.configHash,
      resultsHash: run.resultsHash,
      halted: results?.kind === 'lab' ? results.halted : false,
      digest,
      constraints: summariseConstraints(this.store.events(runId))
    }
  }

  /** The stored run of each stress variant, run now where none exists yet. */
  private async stressOutcomes(run: RunSummary & { spec: LabRunSpec }): Promise<StressOutcome[]> {
    const { stress, codeVersion } = this.options
    const base = run.spec
    const variants = await stress.menu(base)
    const outcomes: StressOutcome[] = []
    let done = 0
    for (const variant of variants) {
      const spec: LabRunSpec = { task: 'lab', lab: base.lab, preset: base.preset, seed: run.seed, overrides: { ...base.overrides, ...variant.overrides } }
      try {
        const hash = await stress.configHash(spec)
        let id = this.store.completedRunWith(hash, run.codeVersion) ?? this.store.completedRunWith(hash, codeVersion)
        if (id === null) {
          this.options.onProgress?.(done, variants.length, `running stress variant ${done + 1} of ${variants.length}: ${variant.name}`)
          const ran = await stress.run(spec)
          const ended = this.options.runs.get(ran)
          if (ended?.status !== 'completed') throw new Error(`run #${ran} ended ${ended?.status ?? 'missing'}${ended?.error ? `: ${ended.error}` : ''}`)
          id = ran
        }
        outcomes.push({ name: variant.name, overrides: variant.overrides, run: this.digest(id), error: null })
      } catch (error) {
        outcomes.push({ name: variant.name, overrides: variant.overrides, run: null, error: (error as Error).message })
      }
      done++
    }
    return outcomes
  }

  /**
   * The run's facts, with its stress variants run (once) where they are not stored yet. The
   * portfolio holding it is read on every call: one built after the memo was first opened shows.
   */
  async facts(runId: number): Promise<MemoFacts> {
    const facts = await this.runFacts(runId)
    const portfolio = await this.options.portfolio?.(runId)
    const riskDesk = portfolio && this.options.riskDesk?.(portfolio.id)
    return portfolio ? { ...facts, portfolio, ...(riskDesk ? { riskDesk } : {}) } : facts
  }

  private runFacts(runId: number): Promise<MemoFacts> {
    const { run, results } = this.labRun(runId)
    let pending = this.factsCache.get(runId)
    if (!pending) {
      pending = (async () => {
        const lab = await this.options.labInfo(run.spec.lab)
        const stress = await this.stressOutcomes(run)
        let surface: SurfaceOverview | null = null
        try {
          surface = (await this.options.surface?.(run, results.steps)) ?? null
        } catch {
          surface = null
        }
        return memoFacts({
          run,
          results,
          lab,
          legs: this.options.runs.stepLog(runId)?.meta.legs ?? [],
          base: this.digest(runId),
          surface,
          stressMethod: STRESS_METHOD,
          stress,
          agentComparison: ensembleOfRun(this.options.runs, this.options.audit, runId)
        })
      })()
      this.factsCache.set(runId, pending)
      // A failure, or a stress variant that could not run, is not remembered: the next call tries again.
      pending.then(
        (facts) => facts.stress.variants.some((v) => v.error !== null) && this.factsCache.delete(runId),
        () => this.factsCache.delete(runId)
      )
      if (this.factsCache.size > 16) this.factsCache.delete(this.factsCache.keys().next().value!)
    }
    return pending
  }

  verification(runId: number): RunAudit {
    const results = this.options.runs.results(runId)
    const head = results?.kind === 'lab' ? (results.manifest.chainHead ?? null) : null
    const chain = this.options.audit.verify(runId, head)
    const reviews = this.options.audit.reviews(runId)
    return { runId, chain, reviews, verificationStatus: verificationStatus(chain, reviews) }
  }

  async get(runId: number): Promise<MemoView> {
    const facts = await this.facts(runId)
    return { runId, facts, narrative: this.store.narrative(runId), verification: this.verification(runId) }
  }

  save(runId: number, fields: Partial<Record<MemoFieldId, string>>): MemoView['narrative'] {
    this.labRun(runId)
    this.store.save(runId, fields, this.options.clock.isoNow())
    return this.store.narrative(runId)
  }

  async document(runId: number): Promise<MemoDocument> {
    const { results } = this.labRun(runId)
    const facts = await this.facts(runId)
    return { facts, narrative: completeNarrative(this.store.narrative(runId).fields), verification: this.verification(runId), charts: memoCharts(results, facts) }
  }

  async render(runId: number, format: 'md' | 'html'): Promise<{ format: 'md' | 'html'; text: string; bytes: number; sha256: string }> {
    const doc = await this.document(runId)
    const text = format === 'md' ? renderMarkdown(doc) : renderHtml(doc)
    return { format, text, bytes: Buffer.byteLength(text, 'utf8'), sha256: sha256(text) }
  }

  /**
   * Writes the memo where `place` says (given the default name). The run is checked, and PDF
   * support, before `place` is asked, so a dialog is never shown for an export that cannot be
   * made; `place` refuses before anything is computed or written.
   */
  async export(runId: number, format: MemoFormat, place: PlaceExport): Promise<ExportedFile> {
    return this.writing(async () => {
      this.labRun(runId)
      if (format === 'pdf' && !this.options.printToPdf) {
        throw new ApiError('invalid_params', 'PDF export needs the Electron host (printToPDF). In the browser, use the memo view’s Print button: it opens the HTML memo and Chromium’s print dialog saves it as PDF.')
      }
      const destination = await place(exportFileName(runId, 'memo', format))
      if (format === 'pdf') return writePieces(destination, [await this.options.printToPdf!(renderHtml(await this.document(runId)))])
      if (format === 'md' || format === 'html') return writePieces(destination, [(await this.render(runId, format)).text])
      return this.exportBundle(runId, destination)
    })
  }

  /** File-system failures become errors that name the file and what went wrong. */
  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      if (typeof e.code === 'string' && typeof e.syscall === 'string') {
        const where = e.path === undefined ? 'the file' : basename(e.path).startsWith('.mechanica-export-') ? `in ${dirname(e.path)}` : e.path
        throw new ApiError('invalid_params', `Export failed: cannot write ${where} (${e.code}).`)
      }
      throw error
    }
  }

  /** The zip bundle: memo (md, html), the decision log (CSV, JSONL), events, telemetry, metrics, and a manifest listing each file's sha256. */
  private async exportBundle(runId: number, destination: ExportDestination): Promise<ExportedFile> {
    const { run, results } = this.labRun(runId)
    const doc = await this.document(runId)
    const log = this.options.runs.stepLog(runId)
    const files: Array<{ name: string; bytes: number; sha256: string }> = []
    await writeExport(destination, async (file) => {
      const zip = new ZipWriter(file)
      const add = async (name: string, pieces: Iterable<string>): Promise<void> => {
        const m = { bytes: 0, hash: createHash('sha256') }
        await zip.add(name, measured(pieces, m))
        files.push({ name, bytes: m.bytes, sha256: m.hash.digest('hex') })
      }
      await add('memo.md', [renderMarkdown(doc)])
      await add('memo.html', [renderHtml(doc)])
      if (log) {
        await add('steps.csv', stepsCsv(log.meta, this.options.audit.storedLog(runId).chunks))
        await add('steps.jsonl', stepsJsonl(log.meta, this.options.audit.storedLog(runId).chunks))
      }
      await add('events.csv', eventsCsv(this.store.events(runId)))
      await add('telemetry.json', [`${JSON.stringify(results.telemetry, null, 1)}\n`])
      const metrics = metricsRows(results)
      await add('metrics.csv', [csvTable(metrics.head, metrics.rows)])
      const manifest = {
        run: { id: run.id, lab: run.spec.lab, preset: run.spec.preset, seed: run.seed, overrides: run.spec.overrides, createdAt: run.createdAt, finishedAt: run.finishedAt },
        manifest: { ...results.manifest, verificationStatus: doc.verification.verificationStatus },
        chain: { status: doc.verification.chain.status, verified: doc.verification.chain.verified, head: doc.verification.chain.head },
        reviews: doc.verification.reviews,
        stress: doc.facts.stress.variants.map((v) => ({ name: v.name, runId: v.runId, configHash: v.configHash, resultsHash: v.resultsHash, error: v.error })),
        files
      }
      await add('manifest.json', [`${JSON.stringify(manifest, null, 1)}\n`])
      await zip.finish()
    })
    return { path: destination.path, ...(await hashFile(destination.path)) }
  }

  /** One of the run's tables as CSV or JSON. */
  async exportTable(runId: number, table: RunTable, format: 'csv' | 'json', place: PlaceExport): Promise<ExportedFile & { rows: number }> {
    return this.writing(() => this.tableTo(runId, table, format, place))
  }

  private async tableTo(runId: number, table: RunTable, format: 'csv' | 'json', place: PlaceExport): Promise<ExportedFile & { rows: number }> {
    const { results } = this.labRun(runId)
    const log = this.options.runs.stepLog(runId)
    if (table === 'steps' && !log) throw new ApiError('invalid_params', `Run #${runId} has no stored decision log.`)
    const target = await place(exportFileName(runId, table, format))
    switch (table) {
      case 'metrics': {
        const t = metricsRows(results)
        return { ...(await writePieces(target, [format === 'csv' ? csvTable(t.head, t.rows) : rowsJson(t.head, t.rows)])), rows: t.rows.length }
      }
      case 'actions': {
        const t = actionsRows(await this.facts(runId))
        return { ...(await writePieces(target, [format === 'csv' ? csvTable(t.head, t.rows) : rowsJson(t.head, t.rows)])), rows: t.rows.length }
      }
      case 'steps': {
        if (!log) throw new ApiError('invalid_params', `Run #${runId} has no stored decision log.`)
        const chunks = this.options.audit.storedLog(runId).chunks
        return { ...(await writePieces(target, format === 'csv' ? stepsCsv(log.meta, chunks) : stepsJsonArray(log.meta, chunks))), rows: log.steps }
      }
      case 'events': {
        let rows = 0
        const counted = function* (events: Iterable<StoredEventRow>) {
          for (const e of events) {
            rows++
            yield e
          }
        }
        const written = await writePieces(target, format === 'csv' ? eventsCsv(counted(this.store.events(runId))) : [eventsJson(counted(this.store.events(runId)))])
        return { ...written, rows }
      }
    }
  }
}
