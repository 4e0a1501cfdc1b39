import { useEffect, useMemo, useState } from 'react'
import { EVALUATION_LABELS, type LabInfo, type PresetName, type RegimeComparison, type RegimeReport } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands } from '../../app/workspace'
import { LineChart } from '../../charts/LineChart'
import { formatInteger, shortHash } from '../../format/numbers'
import { CsvComparePanel } from './CsvComparePanel'
import { ReliabilityPanel } from './ReliabilityPanel'
import { bestByColumn, detectsFirstLabel, meetsSignOff, regimeSegments, shownColumns, tiedWithFastest } from './regime-table'
import './regime.css'

const CLASSIFIER_NAMES: Record<string, string> = { ssm: 'State-space model (ONNX)', rv_threshold: 'Realised-vol threshold', hmm: 'Two-state Gaussian HMM', bocpd: 'Change-point detection (BOCPD)', markov_switching: 'Markov-switching regression' }

function formatCell(value: number | null, percent = false): string {
  if (value === null || !Number.isFinite(value)) return '—'
  return percent ? `${(value * 100).toFixed(1)}%` : value.toFixed(3)
}

type Source = { kind: 'lab'; lab: string; preset: string; seed: string } | { kind: 'csv'; name: string; text: string }

/** A lab as a source: the regime model's home lab opens on its held-out seed, any other on its preset's seed. */
function labSource(lab: LabInfo | undefined): Source {
  if (!lab) return { kind: 'lab', lab: '', preset: 'faithful', seed: '' }
  const home = lab.regimeModelHome
  return { kind: 'lab', lab: lab.id, preset: home?.preset ?? 'faithful', seed: String(home?.seed ?? lab.defaultSeed) }
}

/** Regime inference on any lab's price series or a CSV, and the SSM against four baselines on held-out seeds of any such lab. */
export function RegimeView({ state }: ViewProps) {
  const client = useClient()
  // Labs whose runs have a price series the model can read; the model's home lab first choice.
  const classifiable = useMemo(() => state.labs.filter((l) => l.regimePriceSeries !== null), [state.labs])
  const home = classifiable.find((l) => l.regimeModelHome !== null)
  const [source, setSource] = useState<Source>(() => labSource(home ?? classifiable[0]))
  const [report, setReport] = useState<RegimeReport | null>(null)
  const [classifyError, setClassifyError] = useState<string | null>(null)
  const [classifying, setClassifying] = useState(false)
  const [compareSeeds, setCompareSeeds] = useState<{ lab: string; preset: PresetName; seedFrom: number; seeds: number }>(() => ({
    lab: home?.id ?? classifiable[0]?.id ?? '',
    preset: home?.regimeModelHome?.preset ?? 'corrected',
    seedFrom: home?.regimeModelHome?.seed ?? 0,
    seeds: 5
  }))
  const [comparison, setComparison] = useState<RegimeComparison | null>(null)
  const [comparing, setComparing] = useState<{ done: number; total: number; label: string } | null>(null)
  const [compareError, setCompareError] = useState<string | null>(null)

  useEffect(() => client.on('task.progress', (frame) => frame.task === 'regime.compare' && setComparing(frame)), [client])

  // The catalogue arrived after the view opened: start from the home lab, keeping a seed already typed.
  useEffect(() => {
    if (source.kind !== 'lab' || source.lab !== '') return
    const start = home ?? classifiable[0]
    if (!start) return
    const filled = labSource(start)
    setSource(filled.kind === 'lab' && source.seed.trim() !== '' ? { ...filled, seed: source.seed } : filled)
    const held = start.regimeModelHome
    if (held) setCompareSeeds((c) => ({ ...c, preset: held.preset, seedFrom: held.seed }))
  }, [source, home, classifiable])

  // Likewise for the comparison: the model's home lab, once the catalogue names it.
  useEffect(() => {
    const start = home ?? classifiable[0]
    if (compareSeeds.lab === '' && start) setCompareSeeds((c) => ({ ...c, lab: start.id }))
  }, [compareSeeds.lab, home, classifiable])

  async function classify() {
    setClassifying(true)
    setClassifyError(null)
    try {
      const seed = Number(source.kind === 'lab' ? source.seed : 0)
      const request =
        source.kind === 'lab'
          ? { kind: 'lab' as const, spec: { task: 'lab' as const, lab: source.lab, preset: source.preset, overrides: {}, ...(source.seed.trim() === '' ? {} : { seed }) } }
          : { kind: 'csv' as const, name: source.name, text: source.text }
      setReport(await client.call('regime.classify', { source: request }))
    } catch (error) {
      setClassifyError((error as Error).message)
      setReport(null)
    } finally {
      setClassifying(false)
    }
  }

  async function compare() {
    setCompareError(null)
    setComparing({ done: 0, total: compareSeeds.seeds, label: 'starting…' })
    try {
      setComparison(await client.call('regime.compare', { ...compareSeeds, overrides: {} }))
    } catch (error) {
      setCompareError((error as Error).message)
    } finally {
      setComparing(null)
    }
  }

  useCommands([
    { id: 'regime.classify', title: 'Regime: classify the chosen series', group: 'Regime', run: () => void classify() },
    { id: 'regime.compare', title: 'Regime: compare SSM with the baselines on held-out seeds', group: 'Regime', run: () => void compare() }
  ])

  const bars = useMemo(() => (report ? Float64Array.from(report.pStable, (_, i) => report.firstBar + i) : null), [report])
  const segments = useMemo(() => (report ? regimeSegments(report.filtered, report.firstBar) : []), [report])
  const best = useMemo(() => (comparison ? bestByColumn(comparison.rows) : {}), [comparison])
  const columns = useMemo(() => (comparison ? shownColumns(comparison.rows) : []), [comparison])
  const tied = useMemo(() => (comparison ? tiedWithFastest(comparison.rows, best['ttd_from_calm'] ?? null) : new Set<string>()), [comparison, best])
  const compareHome = compareSeeds.lab === home?.id
  const stressBars = report ? report.filtered.filter((r) => r === 1).length : 0

  async function loadCsv(file: File) {
    if (file.size > 60_000) {
      setClassifyError(`${file.name} is ${formatInteger(file.size)} bytes; the limit is 60,000 (about 2,000 rows of date,close)`)
      return
    }
    setSource({ kind: 'csv', name: file.name, text: await file.text() })
  }

  return (
    <div className="regime-view" data-testid="regime-view">
      <section className="panel regime-source" aria-label="Series to classify">
        <h2>Classify a price series</h2>
        <div className="segmented" role="radiogroup" aria-label="Source">
          <button type="button" role="radio" className={source.kind === 'lab' ? 'tab active' : 'tab'} aria-checked={source.kind === 'lab'} onClick={() => setSource(labSource(home ?? classifiable[0]))}>
            Lab
          </button>
          <button type="button" role="radio" className={source.kind === 'csv' ? 'tab active' : 'tab'} aria-checked={source.kind === 'csv'} onClick={() => setSource({ kind: 'csv', name: 'series.csv', text: '' })}>
            CSV
          </button>
        </div>
        {source.kind === 'lab' ? (
          <div className="form-row">
            <label>
              lab
              <select aria-label="Lab" value={source.lab} onChange={(e) => setSource({ ...source, lab: e.target.value })}>
                {classifiable.map((lab) => (
                  <option key={lab.id} value={lab.id}>
                    {lab.id} · {lab.regimePriceSeries!.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              preset
              <select aria-label="Preset" value={source.preset} onChange={(e) => setSource({ ...source, preset: e.target.value })}>
                <option value="faithful">faithful</option>
                <option value="corrected">corrected</option>
              </select>
            </label>
            <label>
              seed
              <input aria-label="Seed" className="mono" inputMode="numeric" value={source.seed} onChange={(e) => setSource({ ...source, seed: e.target.value })} />
            </label>
          </div>
        ) : (
          <div className="csv-source">
            <input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => e.target.files?.[0] && void loadCsv(e.target.files[0])} />
            <textarea
              aria-label="CSV text"
              className="mono"
              rows={6}
              placeholder={'date,close[,volume]\n2024-01-02,101.3\n…  (at least 103 rows, dates ascending, no gaps in values)'}
              value={source.text}
              onChange={(e) => setSource({ ...source, text: e.target.value })}
            />
          </div>
        )}
        <button type="button" className="primary" disabled={classifying || (source.kind === 'csv' ? source.text.trim() === '' : source.lab === '')} onClick={() => void classify()}>
          {classifying ? 'Classifying…' : 'Classify'}
        </button>
        {classifyError && (
          <pre className="error-text" role="alert">
            {classifyError}
          </pre>
        )}
      </section>

      {report && bars && (
        <section className="panel regime-report" aria-label="Regime report">
          <h2>{report.source}</h2>
          <dl className="facts">
            <dt>bars</dt>
            <dd className="mono">{formatInteger(report.bars)} (classified from bar {report.firstBar})</dd>
            <dt>execution provider</dt>
            <dd className="mono" data-testid="execution-provider" title={report.providers}>
              {report.executionProvider.toUpperCase()}
            </dd>
            <dt>model</dt>
            <dd className="mono" title={report.model.sha256}>
              {report.model.name} · {shortHash(report.model.sha256, 12)}
            </dd>
            <dt>filtered stress</dt>
            <dd className="mono">
              {formatInteger(stressBars)} of {formatInteger(report.filtered.length)} bars
            </dd>
            <dt>out of distribution</dt>
            <dd className="mono">
              {formatInteger(report.ood.barsOutside)} bars beyond radius {report.ood.radius.toFixed(2)}
            </dd>
          </dl>
          <LineChart x={bars} values={report.pStable} label="P(stable)" height={200} />
          <div className="regime-ribbon" aria-label="Filtered regime" title="RegimeFilter (threshold 3) over P(stable) < 0.5">
            {segments.map((s) => (
              <span
                key={s.from}
                className={s.regime === 1 ? 'stress' : 'stable'}
                style={{ left: `${((s.from - report.firstBar) / report.filtered.length) * 100}%`, width: `${((s.to - s.from + 1) / report.filtered.length) * 100}%` }}
              />
            ))}
          </div>
          {report.evaluation && (
            <table className="compact" aria-label="Evaluation against true labels">
              <tbody>
                {Object.entries(report.evaluation).map(([key, value]) => (
                  <tr key={key}>
                    <td className="mono">{EVALUATION_LABELS[key] ?? key}</td>
                    <td className="num mono">{typeof value === 'number' ? (Number.isInteger(value) ? value : value.toFixed(3)) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      <section className="panel regime-compare" aria-label="Classifier comparison">
        <h2>SSM against the baselines on held-out seeds</h2>
        <p className="muted">
          {compareHome
            ? `Each classifier drives the same RegimeFilter strategy (hysteresis, sizing, guardrails, costs) through the engine on the same paths of the model's home lab (${compareSeeds.lab}); scores from the walk-forward start on.`
            : `Each classifier reads ${compareSeeds.lab}'s price series and is scored against its own regime labels; each drives the same long/flat rule (one bar of latency, 0.1% per flip, flat out of distribution). Sign-off: downside capture < 0.2, Sharpe > 1.5.`}
        </p>
        <div className="form-row">
          <label>
            lab
            <select aria-label="Comparison lab" value={compareSeeds.lab} onChange={(e) => setCompareSeeds({ ...compareSeeds, lab: e.target.value })}>
              {classifiable.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            preset
            <select aria-label="Comparison preset" value={compareSeeds.preset} onChange={(e) => setCompareSeeds({ ...compareSeeds, preset: e.target.value as 'faithful' | 'corrected' })}>
              <option value="corrected">corrected</option>
              <option value="faithful">faithful</option>
            </select>
          </label>
          <label>
            first seed
            <input aria-label="First seed" className="mono" type="number" min={0} value={compareSeeds.seedFrom} onChange={(e) => setCompareSeeds({ ...compareSeeds, seedFrom: Number(e.target.value) })} />
          </label>
          <label>
            seeds
            <input aria-label="Seed count" className="mono" type="number" min={1} max={20} value={compareSeeds.seeds} onChange={(e) => setCompareSeeds({ ...compareSeeds, seeds: Number(e.target.value) })} />
          </label>
          <button type="button" className="primary" disabled={comparing !== null || compareSeeds.lab === ''} onClick={() => void compare()}>
            {comparing ? 'Comparing…' : 'Compare'}
          </button>
        </div>
        {comparing && (
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={comparing.total} aria-valuenow={comparing.done} aria-label="Comparison progress">
            <div className="bar" style={{ width: `${comparing.total ? (comparing.done / comparing.total) * 100 : 0}%` }} />
            <span className="mono">{comparing.label}</span>
          </div>
        )}
        {compareError && (
          <pre className="error-text" role="alert">
            {compareError}
          </pre>
        )}
        {comparison && (
          <>
            <div className="table-scroll">
            <table className="compact regime-compare-table" aria-label="Classifier comparison table">
              <thead>
                <tr>
                  <th>classifier</th>
                  {columns.map((c) => (
                    <th key={c.key} className="num" title={`${c.better} is better`}>
                      {c.label}
                      {comparison.signOff && c.key === 'downside_capture' && <span className="muted"> (target &lt; {comparison.signOff.downsideCaptureBelow})</span>}
                      {comparison.signOff && c.key === 'sharpe' && <span className="muted"> (target &gt; {comparison.signOff.sharpeAbove})</span>}
                    </th>
                  ))}
                  <th className="num" title="switches into stress: detected of those met while calm · already flagged the bar before (no credit) · never detected">from calm · pre-flagged · missed</th>
                  <th title="95 % paired seed bootstrap of (SSM − this classifier) bars to detect from calm">SSM detects first</th>
                  <th className="num">detected</th>
                </tr>
              </thead>
              <tbody>
                {comparison.rows.map((row) => (
                  <tr key={row.classifier} data-classifier={row.classifier}>
                    <td>{CLASSIFIER_NAMES[row.classifier] ?? row.classifier}</td>
                    {columns.map((c) => {
                      const met = meetsSignOff(row, c.key, comparison.signOff)
                      const ci = c.interval ? row[c.interval] : null
                      const tie = c.interval !== undefined && tied.has(row.classifier)
                      const title = met !== null ? (met ? 'meets the sign-off target' : 'misses the sign-off target') : tie ? 'interval overlaps the fastest one: not distinguishable on these seeds' : undefined
                      return (
                        <td key={c.key} className={`num mono${best[c.key] === row.classifier ? ' best' : ''}${met === null ? '' : met ? ' met' : ' unmet'}`} title={title}>
                          {tie && <span className="muted">≈ </span>}
                          {formatCell(row[c.key] as number | null, c.percent)}
                          {ci && <span className="muted"> [{ci[0].toFixed(1)}, {ci[1].toFixed(1)}]</span>}
                          {met !== null && <span className="sign-off">{met ? ' ✓' : ' ✗'}</span>}
                        </td>
                      )
                    })}
                    <td className="num mono">
                      {row.detected_from_calm ?? '—'}/{row.switches_from_calm ?? '—'} · {row.pre_flagged ?? '—'} · {row.missed ?? '—'}
                    </td>
                    <td className="mono" title={row.ssm_minus_ttd_ci ? `SSM − this: [${row.ssm_minus_ttd_ci[0].toFixed(1)}, ${row.ssm_minus_ttd_ci[1].toFixed(1)}] bars` : undefined}>
                      {detectsFirstLabel(row)}
                    </td>
                    <td className="num mono">
                      {row.detected}/{row.switches}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
            <p className="muted mono">
              {comparison.lab} · seeds {comparison.seeds[0]}–{comparison.seeds.at(-1)} · {comparison.preset} · SSM on {comparison.executionProvider.toUpperCase()} · model {shortHash(comparison.model.sha256, 12)}
            </p>
            <h3>Calibration of P(stress), pooled over the seeds' scored bars</h3>
            <ReliabilityPanel rows={comparison.rows} names={CLASSIFIER_NAMES} />
          </>
        )}
      </section>

      <CsvComparePanel names={CLASSIFIER_NAMES} />
    </div>
  )
}
