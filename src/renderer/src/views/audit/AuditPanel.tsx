import { useCallback, useEffect, useState } from 'react'
import { verificationStatusClass, type ReplayReport, type RunAudit } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { useCommands } from '../../app/workspace'
import { formatInteger, formatTimestamp, shortHash } from '../../format/numbers'
import './audit.css'

/** One line for the chain's state, as the badge says it. */
export function chainBadge(audit: RunAudit): { tone: 'ok' | 'bad' | 'muted'; text: string; title: string } {
  const c = audit.chain
  if (c.status === 'intact') return { tone: 'ok', text: `chain intact · ${formatInteger(c.verified)} links`, title: `head ${c.head ?? ''}` }
  if (c.status === 'unchained') return { tone: 'muted', text: 'unchained (written before hash chaining)', title: 'Replay the run to get a chained copy.' }
  const b = c.firstBreak!
  return { tone: 'bad', text: `chain broken at ${b.kind} ${b.index}: ${b.problem}`, title: b.detail }
}

/** Verify, replay and review one run (replay and reviews need a completed run): what a reviewer does before trusting its memo. */
export function AuditPanel({ runId, canReplay }: { runId: number; canReplay: boolean }) {
  const client = useClient()
  const [audit, setAudit] = useState<RunAudit | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [replay, setReplay] = useState<ReplayReport | null>(null)
  const [replaying, setReplaying] = useState(false)
  const [reviewer, setReviewer] = useState(() => localStorage.getItem('mechanica.reviewer') ?? '')
  const [verdict, setVerdict] = useState<'sign-off' | 'findings'>('sign-off')
  const [notes, setNotes] = useState('')

  const refresh = useCallback(() => {
    // A replay result describes the log as it was then; verifying again starts from what is stored now.
    setReplay(null)
    client.call('runs.audit', { runId }).then(
      (a) => {
        setAudit(a)
        setError(null)
      },
      (e: Error) => setError(e.message)
    )
  }, [client, runId])

  useEffect(() => {
    setAudit(null)
    refresh()
  }, [refresh])

  async function runReplay() {
    setReplaying(true)
    setError(null)
    try {
      setReplay(await client.call('runs.replay', { runId }))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setReplaying(false)
    }
  }

  async function submitReview() {
    try {
      localStorage.setItem('mechanica.reviewer', reviewer)
      setAudit(await client.call('runs.review', { runId, reviewer, verdict, notes }))
      setNotes('')
      setError(null)
    } catch (e) {
      setError((e as Error).message)
    }
  }

  useCommands([
    { id: 'audit.verify', title: `Audit: verify run #${runId}'s hash chain`, group: 'Audit', run: refresh },
    ...(canReplay ? [{ id: 'audit.replay', title: `Audit: replay run #${runId} and compare`, group: 'Audit', run: () => void runReplay() }] : [])
  ])

  const badge = audit ? chainBadge(audit) : null
  return (
    <section className="audit-panel" aria-label="Audit">
      <header>
        <h3>Audit</h3>
        {audit && (
          <span className={`verification ${verificationStatusClass(audit.verificationStatus)}`} data-testid="verification-status">
            {audit.verificationStatus}
          </span>
        )}
        {badge && (
          <span className={`chain-badge ${badge.tone}`} title={badge.title} data-testid="chain-badge">
            {badge.text}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="small" onClick={refresh}>
          Verify
        </button>
        {canReplay && (
          <button type="button" className="small" onClick={() => void runReplay()} disabled={replaying}>
            {replaying ? 'Replaying…' : 'Replay'}
          </button>
        )}
      </header>
      {replaying && <div className="audit-progress" role="progressbar" aria-label="Replaying" />}
      {audit?.chain.firstBreak && <p className="bad-text">{audit.chain.firstBreak.detail}</p>}
      {replay && (
        <p className={replay.identical ? 'ok-text' : 'bad-text'} data-testid="replay-result">
          {replay.identical
            ? `Identical: ${formatInteger(replay.stepsCompared)} steps, results hash ${shortHash(replay.replayedResultsHash, 16)}`
            : `Differs at step ${replay.firstDivergence!.t}, ${replay.firstDivergence!.field}: stored ${replay.firstDivergence!.stored}, replayed ${replay.firstDivergence!.replayed}`}
        </p>
      )}
      {error && (
        <p className="bad-text" role="alert">
          {error}
        </p>
      )}
      {audit && audit.reviews.length > 0 && (
        <ol className="reviews" aria-label="Reviews">
          {audit.reviews.map((r) => (
            <li key={r.seq}>
              <span className={r.verdict === 'sign-off' ? 'ok-text' : 'warn-text'}>{r.verdict}</span> <strong>{r.reviewer}</strong> <span className="muted mono">{formatTimestamp(r.at)}</span>
              {r.notes && <p>{r.notes}</p>}
            </li>
          ))}
        </ol>
      )}
      {audit && canReplay && audit.chain.status !== 'unchained' && (
        <form
          className="review-form"
          aria-label="Add a review"
          onSubmit={(e) => {
            e.preventDefault()
            void submitReview()
          }}
        >
          <input aria-label="Reviewer" placeholder="Reviewer name" value={reviewer} onChange={(e) => setReviewer(e.target.value)} required />
          <select aria-label="Verdict" value={verdict} onChange={(e) => setVerdict(e.target.value as 'sign-off' | 'findings')}>
            <option value="sign-off">sign-off</option>
            <option value="findings">findings</option>
          </select>
          <input aria-label="Review notes" placeholder="Notes (what you checked, what you found)" value={notes} onChange={(e) => setNotes(e.target.value)} />
          <button type="submit" className="small">
            Record review
          </button>
        </form>
      )}
    </section>
  )
}
