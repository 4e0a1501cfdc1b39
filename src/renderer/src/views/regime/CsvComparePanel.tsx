import { useEffect, useMemo, useState } from 'react'
import { REGIME_CSV_MAX_CHARS, type EventPayload, type RegimeCsvComparison, type RegimeCsvRow } from '../../../../shared/contract'
import { sendInParts } from '../../api/csv-upload'
import { useClient } from '../../app/ClientContext'
import { useFileDrop } from '../../app/use-file-drop'
import { useCommands } from '../../app/workspace'
import { LineChart } from '../../charts/LineChart'
import { formatInteger, shortHash } from '../../format/numbers'

// The five-way comparison on a user's close file (issue 20 item 3) — what `mechanica regime
// --csv FILE --compare` prints, in the view: chosen or dropped, sent in parts through
// `regime.compareCsv`, validated with the CLI's validator and compared in the inference process
// with progress. A file has no true regimes, so no accuracy: the table says what each classifier
// called and what the long/flat rule it drives did. Nothing is stored.

/** The table's columns: the row's key, its header, and whether it is a share (shown in %). */
const COLUMNS: ReadonlyArray<{ key: Exclude<keyof RegimeCsvRow, 'classifier'>; label: string; title: string; percent?: boolean }> = [
  { key: 'stress_share', label: 'stress share', title: 'share of scored bars the filtered read-out calls stress', percent: true },
  { key: 'switches_to_stress', label: 'switches to stress', title: 'calm → stress flips of the filtered read-out over the scored bars' },
  { key: 'sharpe', label: 'Sharpe', title: 'the long/flat rule it drives, 252 bars a year' },
  { key: 'max_drawdown', label: 'max drawdown', title: 'of the long/flat rule', percent: true },
  { key: 'total_return', label: 'total return', title: 'of the long/flat rule over the scored bars', percent: true },
  { key: 'buy_and_hold_return', label: 'buy & hold', title: 'always long over the same bars, for scale', percent: true },
  { key: 'ood_share', label: 'OOD stand-aside', title: 'share of scored bars the rule stood aside (flat) because the input was beyond the OOD radius', percent: true }
]

function formatValue(value: number | null, percent = false): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (Number.isInteger(value) && !percent) return String(value)
  return percent ? `${(value * 100).toFixed(1)}%` : value.toFixed(3)
}

export function CsvComparePanel({ names }: { names: Record<string, string> }) {
  const client = useClient()
  const [comparison, setComparison] = useState<RegimeCsvComparison | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [progress, setProgress] = useState<EventPayload<'task.progress'> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [file, setFile] = useState<File | null>(null)
  useEffect(() => client.on('task.progress', (frame) => frame.task === 'regime.compareCsv' && setProgress(frame)), [client])

  async function load(chosen: File): Promise<void> {
    setFile(chosen)
    setError(null)
    if (chosen.size > REGIME_CSV_MAX_CHARS) {
      setError(`${chosen.name} is ${formatInteger(chosen.size)} bytes; the most the regime comparison reads is ${formatInteger(REGIME_CSV_MAX_CHARS)}`)
      return
    }
    setProgress(null)
    try {
      const answer = await sendInParts(
        await chosen.text(),
        (part) => client.call('regime.compareCsv', { ...part, name: chosen.name }),
        (part, parts) => setBusy(part < parts - 1 ? `Sending ${chosen.name}: part ${part + 1} of ${parts}…` : `Comparing the classifiers on ${chosen.name}…`)
      )
      if (answer.status === 'done') setComparison(answer.comparison)
    } catch (e) {
      setError((e as Error).message)
      setComparison(null)
    } finally {
      setBusy(null)
    }
  }

  const drop = useFileDrop((file) => void load(file))
  useCommands([{ id: 'regime.compareCsv', title: 'Regime: compare the classifiers on the chosen CSV again', group: 'Regime', run: () => void (file && load(file)) }])

  const x = useMemo(() => (comparison ? Float64Array.from(comparison.closes, (_, t) => t) : null), [comparison])
  // The model's filtered stress over the whole file (0 before the walk-forward start), shaded behind the close.
  const shade = useMemo(() => (comparison ? Float64Array.from(comparison.closes, (_, t) => (t >= comparison.start ? (comparison.ssmStress[t - comparison.start] ?? 0) : 0)) : null), [comparison])

  return (
    <section className="panel regime-compare regime-csv" aria-label="Classifier comparison on a CSV">
      <h2>The classifiers on your closes (CSV)</h2>
      <div
        className={`regime-csv-drop${drop.dragging ? ' dragging' : ''}`}
        data-testid="regime-csv-drop"
        {...drop.handlers}
      >
        <label>
          Close file (date,close[,volume]):{' '}
          <input type="file" accept=".csv,text/csv" aria-label="CSV file to compare" data-testid="regime-csv-input" disabled={busy !== null} onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </label>
        <span className="muted">or drop a file here · the same comparison as `mechanica regime --csv FILE --compare` · nothing is stored</span>
      </div>
      {busy && (
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress?.total ?? 1} aria-valuenow={progress?.done ?? 0} aria-label="CSV comparison progress" data-testid="regime-csv-busy">
          <div className="bar" style={{ width: `${progress && progress.total ? (progress.done / progress.total) * 100 : 0}%` }} />
          <span className="mono">
            {busy}
            {progress ? ` ${progress.label}` : ''}
          </span>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="regime-csv-error">
          {error}
        </p>
      )}
      {comparison && x && (
        <>
          <p className="muted mono" data-testid="regime-csv-summary">
            {comparison.name} · {formatInteger(comparison.bars)} bars · scored from bar {formatInteger(comparison.start)} ({formatInteger(comparison.scoredBars)} bars; the baselines train on the bars before) · model {comparison.model.name} {shortHash(comparison.model.sha256, 12)} on {comparison.executionProvider.toUpperCase()}
          </p>
          <p className="regime-csv-note" data-testid="regime-csv-note">
            A file has no true regimes, so no accuracy is shown: no F1, time to detection, false alarms, downside capture or Brier score. Each classifier drives the same long/flat rule (one bar of latency, 0.1 % per flip, flat when the input is out of distribution).
          </p>
          <div className="table-scroll">
            <table className="compact regime-compare-table" aria-label="Classifier comparison on the CSV" data-testid="regime-csv-table">
              <thead>
                <tr>
                  <th>classifier</th>
                  {COLUMNS.map((c) => (
                    <th key={c.key} className="num" title={c.title}>
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {comparison.rows.map((row) => (
                  <tr key={row.classifier} data-classifier={row.classifier}>
                    <td>{names[row.classifier] ?? row.classifier}</td>
                    {COLUMNS.map((c) => (
                      <td key={c.key} className="num mono" data-column={c.key} data-value={row[c.key] === null ? '' : String(row[c.key])}>
                        {formatValue(row[c.key], c.percent)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LineChart x={x} values={comparison.closes} label="close" height={200} logScale {...(shade ? { shade } : {})} />
          <p className="muted regime-csv-legend">
            Shaded red behind the close: the bars the state-space model’s filtered read-out calls stress, from bar {formatInteger(comparison.start)} on ({formatValue(comparison.rows.find((r) => r.classifier === 'ssm')?.stress_share ?? null, true)} of scored bars); its long/flat rule acted on each one bar later.
          </p>
        </>
      )}
      {!comparison && !error && !busy && <p className="muted">Choose or drop a file of daily closes: the state-space model and the four baselines on it, side by side.</p>}
    </section>
  )
}
