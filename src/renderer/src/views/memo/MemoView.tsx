import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { ApiError, exportFileName, verificationStatusClass, type ExportedFile, type MemoFieldId, type MemoView as MemoData, type RunTable } from '../../../../shared/contract'
import { memoSections, metricsTable, type FactBlock } from '../../../../shared/contract/memo-sections'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { shortHash } from '../../format/numbers'
import './memo.css'

type ExportKind = 'md' | 'html' | 'zip' | 'pdf'
interface ExportResult extends ExportedFile {
  what: string
}
/** One export, by file name; `overwrite` is true only after the user said to replace the file there. */
interface ExportAttempt {
  kind: string
  name: string
  write(overwrite: boolean): Promise<ExportResult>
}

/** The host refused because a file of that name exists and the user has not confirmed replacing it. */
function isExistingFile(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'invalid_params' && (error.issues ?? []).some((i) => i.path === 'overwrite')
}

function FactBlockView({ block }: { block: FactBlock }) {
  if (block.kind === 'text') return <p>{block.text}</p>
  if (block.kind === 'list')
    return (
      <ul>
        {block.items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    )
  return (
    <table className="memo-table">
      <caption>{block.caption}</caption>
      <thead>
        <tr>
          {block.head.map((h, i) => (
            <th key={i} className={block.numeric[i] ? 'num' : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {block.rows.map((row, r) => (
          <tr key={r}>
            {row.map((cell, i) => (
              <td key={i} className={block.numeric[i] ? 'num' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Prints the memo's self-contained HTML from a hidden frame: Chromium's print dialog saves it as PDF. */
function printHtml(frame: HTMLIFrameElement, html: string): void {
  frame.onload = () => {
    frame.onload = null
    frame.contentWindow?.focus()
    frame.contentWindow?.print()
  }
  frame.srcdoc = html
}

/**
 * The committee memo of the selected run: the facts the run and its stress variants establish,
 * read-only, beside the narrative for the book's six fields and the committee package, saved
 * when a field loses focus; exports to Markdown, HTML, PDF and a zip bundle.
 */
export function MemoView({ state }: ViewProps) {
  const client = useClient()
  const { selectedRunId, selectRun } = useWorkspace()
  const [memo, setMemo] = useState<MemoData | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [progress, setProgress] = useState<{ done: number; total: number; label: string } | null>(null)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState<string | null>(null)
  const [savedNote, setSavedNote] = useState<string | null>(null)
  const [exporting, setExporting] = useState<string | null>(null)
  const [exported, setExported] = useState<ExportResult | null>(null)
  const [exportNote, setExportNote] = useState<string | null>(null)
  const [replace, setReplace] = useState<ExportAttempt | null>(null)
  const [table, setTable] = useState<{ table: RunTable; format: 'csv' | 'json' }>({ table: 'steps', format: 'csv' })
  const frameRef = useRef<HTMLIFrameElement>(null)
  const host = state.info?.host ?? 'browser'
  const exportDir = state.info?.exportDir ?? null
  const run = selectedRunId === null ? undefined : state.runs[selectedRunId]

  useEffect(() => client.on('task.progress', (frame) => frame.task === 'memo.stress' && setProgress(frame)), [client])

  const runStatus = run?.status
  const runTask = run?.task
  useEffect(() => {
    setMemo(null)
    setError(null)
    setExported(null)
    setExportNote(null)
    setReplace(null)
    setSavedNote(null)
    setProgress(null)
    if (selectedRunId === null || (runTask !== undefined && (runTask !== 'lab' || runStatus !== 'completed'))) {
      setLoading(false)
      return
    }
    let stale = false
    setLoading(true)
    client
      .call('memo.get', { runId: selectedRunId })
      .then(
        (m) => {
          if (stale) return
          setMemo(m)
          setDrafts(m.narrative.fields)
        },
        (e: Error) => !stale && setError(e.message)
      )
      .finally(() => {
        if (stale) return
        setLoading(false)
        setProgress(null)
      })
    return () => {
      stale = true
    }
  }, [client, selectedRunId, runStatus, runTask])

  const sections = useMemo(() => (memo ? memoSections(memo.facts) : []), [memo])

  const save = useCallback(
    async (id: MemoFieldId) => {
      if (!memo) return
      const text = drafts[id] ?? ''
      if (text === memo.narrative.fields[id]) return
      setSaving(id)
      try {
        const narrative = await client.call('memo.save', { runId: memo.runId, fields: { [id]: text } })
        setMemo((m) => (m ? { ...m, narrative } : m))
        setSavedNote(`saved · ${narrative.edits} edit${narrative.edits === 1 ? '' : 's'} in the memo's history`)
      } catch (e) {
        setError((e as Error).message)
      } finally {
        setSaving(null)
      }
    },
    [client, drafts, memo]
  )

  /**
   * Runs an export. Under the browser host a file already in the export folder is refused until
   * the user answers the "Replace?" question (then sent again with overwrite); under Electron
   * main's save dialog asks, and closing it cancels the export.
   */
  const runExport = useCallback(async (attempt: ExportAttempt, overwrite: boolean) => {
    setExporting(attempt.kind)
    setError(null)
    setExported(null)
    setExportNote(null)
    setReplace(null)
    try {
      setExported(await attempt.write(overwrite))
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') setExportNote('Export cancelled; nothing was written.')
      else if (!overwrite && isExistingFile(e)) setReplace(attempt)
      else setError((e as Error).message)
    } finally {
      setExporting(null)
    }
  }, [])

  const exportAs = useCallback(
    async (kind: ExportKind) => {
      if (!memo) return
      if (kind === 'pdf' && host === 'browser') {
        // The browser host has no printToPDF: Chromium prints the same HTML (Save as PDF).
        setExporting(kind)
        setError(null)
        setExported(null)
        setExportNote(null)
        setReplace(null)
        try {
          const rendered = await client.call('memo.render', { runId: memo.runId, format: 'html' })
          if (frameRef.current) printHtml(frameRef.current, rendered.text)
          setExported({ what: 'PDF (print dialog)', path: 'printed from the HTML memo', bytes: rendered.bytes, sha256: rendered.sha256 })
        } catch (e) {
          setError((e as Error).message)
        } finally {
          setExporting(null)
        }
        return
      }
      const name = exportFileName(memo.runId, 'memo', kind)
      const what = { md: 'Markdown', html: 'HTML', zip: 'Zip bundle', pdf: 'PDF' }[kind]
      await runExport({ kind, name, write: async (overwrite) => ({ what, ...(await client.call('memo.export', { runId: memo.runId, format: kind, name, overwrite })) }) }, false)
    },
    [client, host, memo, runExport]
  )

  const exportTable = useCallback(async () => {
    if (!memo) return
    const { table: which, format } = table
    const name = exportFileName(memo.runId, which, format)
    await runExport(
      {
        kind: 'table',
        name,
        write: async (overwrite) => {
          const file = await client.call('runs.exportTable', { runId: memo.runId, table: which, format, name, overwrite })
          return { what: `${which} table (${format.toUpperCase()}, ${file.rows} rows)`, path: file.path, bytes: file.bytes, sha256: file.sha256 }
        }
      },
      false
    )
  }, [client, memo, table, runExport])

  useCommands(
    memo
      ? [
          { id: 'memo.export.md', title: 'Memo: export Markdown', group: 'Memo', run: () => void exportAs('md') },
          { id: 'memo.export.html', title: 'Memo: export HTML', group: 'Memo', run: () => void exportAs('html') },
          { id: 'memo.export.pdf', title: host === 'browser' ? 'Memo: print to PDF' : 'Memo: export PDF', group: 'Memo', run: () => void exportAs('pdf') },
          { id: 'memo.export.zip', title: 'Memo: export zip bundle', group: 'Memo', run: () => void exportAs('zip') }
        ]
      : []
  )

  const labRuns = useMemo(
    () =>
      state.order
        .map((id) => state.runs[id])
        .filter((r): r is NonNullable<typeof r> => r !== undefined && r.status === 'completed' && r.task === 'lab')
        .slice(0, 200),
    [state.order, state.runs]
  )

  let body: ReactNode = null
  if (selectedRunId === null) body = <p className="memo-empty">Select a completed lab run to write its memo (pick one above, or in the Runs view).</p>
  else if (run && run.task !== 'lab') body = <p className="memo-empty">Run #{run.id} is a random walk; a memo belongs to a lab run.</p>
  else if (run && run.status !== 'completed') body = <p className="memo-empty">Run #{run.id} is {run.status}; a memo needs a completed run.</p>
  else if (!memo && loading)
    body = (
      <div className="memo-empty" role="status">
        <p>Computing the memo's facts{progress ? ` — ${progress.label} (${progress.done}/${progress.total})` : '…'}</p>
        <p className="muted">Stress variants missing from the store run once, as ordinary runs; later memos reuse them.</p>
      </div>
    )

  const v = memo?.verification
  return (
    <div className="memo-view" data-testid="memo-view">
      <div className="memo-toolbar">
        <label className="memo-run-picker">
          <span className="muted">run</span>
          <select value={selectedRunId ?? ''} onChange={(e) => selectRun(e.target.value === '' ? null : Number(e.target.value))} aria-label="Run">
            <option value="">—</option>
            {selectedRunId !== null && !labRuns.some((r) => r.id === selectedRunId) && <option value={selectedRunId}>#{selectedRunId}</option>}
            {labRuns.map((r) => (
              <option key={r.id} value={r.id}>
                #{r.id} {r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset} · seed ${r.seed}` : r.task}
              </option>
            ))}
          </select>
        </label>
        {v && (
          <span className={`memo-verification ${verificationStatusClass(v.verificationStatus)}`} data-testid="memo-verification" title={v.chain.head ? `chain head ${v.chain.head}` : undefined}>
            {v.verificationStatus} · chain {v.chain.status}
            {v.reviews.length > 0 ? ` · ${v.reviews.length} review${v.reviews.length > 1 ? 's' : ''}` : ''}
          </span>
        )}
        <span className="memo-saved muted" aria-live="polite">
          {saving ? `saving ${saving}…` : savedNote}
        </span>
        <span className="spacer" />
        {memo && (
          <div className="memo-exports" role="group" aria-label="Export memo" title={exportDir ? `Exports go to ${exportDir}` : 'Each export asks where to save it'}>
            <button type="button" className="small" onClick={() => void exportAs('md')} disabled={exporting !== null}>
              Markdown
            </button>
            <button type="button" className="small" onClick={() => void exportAs('html')} disabled={exporting !== null}>
              HTML
            </button>
            <button type="button" className="small" onClick={() => void exportAs('pdf')} disabled={exporting !== null} title={host === 'browser' ? 'Opens Chromium’s print dialog on the HTML memo (Save as PDF)' : 'printToPDF'}>
              {host === 'browser' ? 'Print PDF' : 'PDF'}
            </button>
            <button type="button" className="small" onClick={() => void exportAs('zip')} disabled={exporting !== null}>
              Zip
            </button>
            <span className="memo-table-export">
              <select aria-label="Table" value={table.table} onChange={(e) => setTable((t) => ({ ...t, table: e.target.value as RunTable }))}>
                <option value="metrics">metrics</option>
                <option value="actions">actions × regime</option>
                <option value="steps">decision log</option>
                <option value="events">constraint events</option>
              </select>
              <select aria-label="Table format" value={table.format} onChange={(e) => setTable((t) => ({ ...t, format: e.target.value as 'csv' | 'json' }))}>
                <option value="csv">CSV</option>
                <option value="json">JSON</option>
              </select>
              <button type="button" className="small" onClick={() => void exportTable()} disabled={exporting !== null}>
                Export table
              </button>
            </span>
          </div>
        )}
      </div>
      {exported && (
        <p className="memo-export-result mono" data-testid="memo-export-result" title={exported.sha256}>
          <span className="ok-text">{exported.what}</span> → <span data-testid="memo-export-path">{exported.path}</span> · {exported.bytes.toLocaleString('en-US')} bytes · sha256{' '}
          <span data-testid="memo-export-sha">{exported.sha256}</span>
        </p>
      )}
      {replace && (
        <div className="memo-export-confirm" role="alertdialog" aria-label="Replace the existing file?" data-testid="memo-export-confirm">
          <span>
            <span className="mono">{replace.name}</span> already exists in {exportDir ? <span className="mono">{exportDir}</span> : 'the export folder'}. Replace it?
          </span>
          <button type="button" className="small" onClick={() => void runExport(replace, true)} disabled={exporting !== null}>
            Replace
          </button>
          <button type="button" className="small" onClick={() => setReplace(null)} disabled={exporting !== null}>
            Keep the existing file
          </button>
        </div>
      )}
      {exportNote && (
        <p className="memo-export-result muted" data-testid="memo-export-note" role="status">
          {exportNote}
        </p>
      )}
      {error && (
        <p className="bad-text memo-error" role="alert">
          {error}
        </p>
      )}
      {body}
      {memo && (
        <div className="memo-body">
          <header className="memo-head">
            <h2>
              Run #{memo.facts.run.id} — {memo.facts.run.labTitle}
            </h2>
            <p className="muted mono">
              {memo.facts.run.lab} · {memo.facts.run.preset} · seed {memo.facts.run.seed} · finished {memo.facts.run.finishedAt ?? '—'} · config {shortHash(memo.facts.manifest.configHash, 12)} · results{' '}
              {shortHash(memo.facts.manifest.resultsHash, 12)} · chain head {shortHash(memo.facts.manifest.chainHead, 12)} · {memo.facts.manifest.codeVersion}
            </p>
          </header>
          {(['memo', 'committee'] as const).map((group) => (
            <section key={group} className="memo-group" aria-label={group === 'memo' ? 'One-page memo' : 'Risk-committee package'}>
              <h3 className="memo-group-title">{group === 'memo' ? 'One-page memo — the book’s six fields' : 'Risk-committee package'}</h3>
              {sections
                .filter((s) => s.group === group)
                .map((s, i) => (
                  <div key={s.id} className="memo-field" data-field={s.id}>
                    <div className="memo-narrative">
                      <label htmlFor={`memo-${s.id}`}>{group === 'memo' ? `${i + 1}. ${s.title}` : s.title}</label>
                      <textarea
                        id={`memo-${s.id}`}
                        value={drafts[s.id] ?? ''}
                        maxLength={4000}
                        rows={4}
                        placeholder="The reviewer's narrative (saved when you leave the field)"
                        onChange={(e) => setDrafts((d) => ({ ...d, [s.id]: e.target.value }))}
                        onBlur={() => void save(s.id)}
                      />
                    </div>
                    <div className="memo-facts" aria-label={`Facts: ${s.title}`}>
                      <div className="memo-facts-label">facts from the run</div>
                      {s.facts.map((b, k) => (
                        <FactBlockView key={k} block={b} />
                      ))}
                    </div>
                  </div>
                ))}
            </section>
          ))}
          <section className="memo-group" aria-label="Metrics">
            <h3 className="memo-group-title">Metrics</h3>
            <FactBlockView block={metricsTable(memo.facts)} />
          </section>
        </div>
      )}
      <iframe ref={frameRef} className="memo-print-frame" title="Memo for printing" data-testid="memo-print-frame" />
    </div>
  )
}
