import { useEffect, useState } from 'react'
import { ApiError, type QueueSettings, type QueuedSweepDetail, type QueuedSweepStatus, type SweepCell } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { formatDuration, formatTimestamp } from '../../format/numbers'
import { EnsemblePlot } from './EnsemblePlot'
import { SweepHeatmap } from './SweepHeatmap'
import { SweepProgress, SweepRowCells } from './SweepParts'

// Queue mode in the Sweeps view: where the queue is (settings), and a queued sweep as its
// coordinator in main sees it — depth, workers, retries, ETA — with its heatmap or ensemble.

function describe(s: QueuedSweepStatus): string {
  return s.kind === 'seeds' ? (s.seeds ? `seeds ${s.seeds.from}…${s.seeds.to}` : `${s.cells} cells`) : s.axes.map((a) => `${a.path} × ${a.values.length}`).join(' · ')
}

/** The Redis URL, password and TLS options; main checks them as the CLI checks --queue. */
export function QueueSettingsForm({ onSaved }: { onSaved(settings: QueueSettings): void }) {
  const client = useClient()
  const [settings, setSettings] = useState<QueueSettings | null>(null)
  const [url, setUrl] = useState('')
  const [password, setPassword] = useState('')
  const [allowRemote, setAllowRemote] = useState(false)
  const [caFile, setCaFile] = useState('')
  const [servername, setServername] = useState('')
  const [insecure, setInsecure] = useState(false)
  const [batch, setBatch] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    client.call('queue.settings', {}).then((s) => {
      setSettings(s)
      setUrl(s.url)
      setAllowRemote(s.allowRemote)
      setCaFile(s.tls.caFile ?? '')
      setServername(s.tls.servername ?? '')
      setInsecure(s.tls.insecure)
      setBatch(s.batch === null ? '' : String(s.batch))
      onSaved(s)
    }, (e: Error) => setError(e.message))
  }, [client, onSaved])

  async function save() {
    setSaved(false)
    const batchValue = batch.trim() === '' ? null : Number(batch)
    try {
      const s = await client.call('queue.configure', {
        url,
        allowRemote,
        ...(password ? { password } : {}),
        tls: { ...(caFile ? { caFile } : {}), ...(servername ? { servername } : {}), insecure },
        batch: batchValue
      })
      setSettings(s)
      setPassword('')
      setError(null)
      setSaved(true)
      onSaved(s)
    } catch (e) {
      setError(e instanceof ApiError && e.issues?.length ? e.issues.map((i) => `${i.path}: ${i.message}`).join('\n') : (e as Error).message)
    }
  }

  const tls = url.trim().startsWith('rediss:')
  // Until the saved settings arrive the fields stay disabled: filled in earlier, they would be
  // overwritten by the late answer, and Save would send the saved URL instead of the one typed.
  const loading = settings === null && error === null
  return (
    <form
      className="sweep-form queue-settings"
      aria-label="Queue settings"
      aria-busy={loading}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <fieldset className="queue-settings-fields" disabled={loading}>
      <label>
        <span>Redis</span>
        <input name="queue-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="redis://127.0.0.1:6379" spellCheck={false} />
      </label>
      <label>
        <span>password</span>
        <input name="queue-password" type="password" autoComplete="off" value={password} placeholder={settings?.passwordSet ? 'set (kept for this session)' : 'none'} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {tls && (
        <>
          <label>
            <span>CA file</span>
            <input name="queue-ca" value={caFile} placeholder="system CAs" onChange={(e) => setCaFile(e.target.value)} />
          </label>
          <label>
            <span>server</span>
            <input name="queue-servername" value={servername} placeholder="the URL's host" onChange={(e) => setServername(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" name="queue-insecure" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
            <span>do not verify the server (test set-ups only)</span>
          </label>
        </>
      )}
      <label>
        <span>batch</span>
        <input name="queue-batch" value={batch} placeholder="cells a job: automatic" onChange={(e) => setBatch(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" name="queue-allow-remote" checked={allowRemote} onChange={(e) => setAllowRemote(e.target.checked)} />
        <span>allow a Redis on another machine</span>
      </label>
      {error && <p className="error-text">{error}</p>}
      <div className="queue-settings-actions">
        <button type="submit">Save queue</button>
        {saved && settings && <span className="muted mono">using {settings.display}</span>}
      </div>
      </fieldset>
    </form>
  )
}

export function QueuedSweepsList({ sweeps, selected, onSelect }: { sweeps: QueuedSweepStatus[]; selected: string | null; onSelect(id: string): void }) {
  if (sweeps.length === 0) return <p className="empty-state">No queued sweeps yet.</p>
  return (
    <table className="compact">
      <tbody>
        {sweeps.map((s) => (
          <tr key={s.id} className={s.id === selected ? 'selected' : undefined} onClick={() => onSelect(s.id)} data-queued-sweep-id={s.id}>
            <SweepRowCells id={s.id.slice(0, 6)} lab={s.lab} description={describe(s)} done={s.done} cells={s.cells} status={s.status} />
          </tr>
        ))}
      </tbody>
    </table>
  )
}

const rate = (n: number | null): string => (n === null ? '—' : n.toFixed(1))

/** A queued sweep: progress, queue depth, the workers table, then the heatmap or distribution. */
export function QueuedSweepPanel({ detail, metric, metricPicker, onCancel }: { detail: QueuedSweepDetail; metric: string; metricPicker: React.ReactNode; onCancel(): void }) {
  const s = detail.sweep
  const none = (_: SweepCell) => undefined
  return (
    <section className="panel" aria-label={`Queued sweep ${s.id}`} data-testid="queued-sweep-detail">
      <header className="panel-title">
        <span>
          Queued sweep {s.id} · {s.lab} · {s.preset} · {describe(s)} · {s.queue}
        </span>
        <span className="sweep-actions">
          <span className={`status status-${s.status}`} data-testid="queued-sweep-status">
            {s.status}
          </span>
          {s.status === 'running' && (
            <button type="button" className="danger" onClick={onCancel}>
              Cancel
            </button>
          )}
        </span>
      </header>
      <SweepProgress done={s.done} cells={s.cells}>
        {s.done}/{s.cells} cells · {s.batch} a job · started {formatTimestamp(s.createdAt)}
      </SweepProgress>
      <dl className="queue-depth" data-testid="queue-depth">
        <div>
          <dt>waiting jobs</dt>
          <dd>{s.waitingJobs ?? '—'}</dd>
        </div>
        <div>
          <dt>running jobs</dt>
          <dd>{s.activeJobs ?? '—'}</dd>
        </div>
        <div>
          <dt>completed</dt>
          <dd>{s.completed}</dd>
        </div>
        <div>
          <dt>failed</dt>
          <dd className={s.failed ? 'bad' : undefined}>{s.failed}</dd>
        </div>
        <div>
          <dt>retried jobs</dt>
          <dd>{s.retries}</dd>
        </div>
        <div>
          <dt>runs/s</dt>
          <dd>{rate(s.runsPerSecond)}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{s.status === 'running' ? formatDuration(s.etaSeconds) : '—'}</dd>
        </div>
      </dl>
      {s.problem && <p className="error-text">Queue unreachable, retrying: {s.problem}</p>}
      <table className="compact queue-workers" aria-label="Workers" data-testid="queue-workers">
        <thead>
          <tr>
            <th>worker</th>
            <th>host</th>
            <th>state</th>
            <th className="num">cells</th>
            <th className="num">cells/s</th>
          </tr>
        </thead>
        <tbody>
          {s.workers.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No worker is serving the queue: start one with mechanica worker --queue {s.queue}
              </td>
            </tr>
          ) : (
            s.workers.map((w) => (
              <tr key={w.name}>
                <td className="mono">{w.name}</td>
                <td>{w.host}</td>
                <td>{w.connected ? 'connected' : 'gone'}</td>
                <td className="num">{w.cells}</td>
                <td className="num">{rate(w.cellsPerSecond)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {metricPicker}
      {s.kind === 'grid' && s.axes.length > 0 ? (
        <SweepHeatmap sweep={s} cells={detail.cells} metric={metric} stats={detail.stats[metric]} onOpen={none} />
      ) : (
        <EnsemblePlot cells={detail.cells} metric={metric} stats={detail.stats[metric]} onOpen={none} />
      )}
    </section>
  )
}
