import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import type { LabInfo, LabRunSpec, RunSpec, StressVariant } from '../../../../shared/contract'
import { ApiError, type FieldIssue } from '../../../../shared/contract/api-error'
import { useClient } from '../../app/ClientContext'
import { isNumber, usePersistentState } from '../../app/persistence'
import { Splitter } from '../../app/Splitter'
import type { ViewProps } from '../../app/views'
import { VIEWS } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatInteger } from '../../format/numbers'
import { draftOf, rememberStartedRun, selectLab, updateDraft, useExplorerState, WALK, type LabDraft } from './explorer-store'
import { placeIssues, readDraft, valueAt } from './form-values'
import { LabParameterForm } from './LabParameterForm'
import { RunMonitor } from './RunMonitor'
import { WalkForm } from './WalkForm'
import { AgentRunLine } from '../agent/AgentHost'
import { runsWithAgent } from '../agent/agent-store'
import './explorer.css'

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
}

/** The lab's own seed key is shown as the seed input, next to the preset. */
const SEED_PATH = 'seed'

/** Pick a lab and preset, edit its generated parameter form, run it (or one of its stress variants), watch it. */
export function ExplorerView({ state, dispatch, notify }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const explorer = useExplorerState()
  const [listWidth, setListWidth] = usePersistentState('explorer.listWidth', 250, isNumber)
  const [sideWidth, setSideWidth] = usePersistentState('explorer.sideWidth', 330, isNumber)
  const labs = state.labs
  const labId = explorer.labId && (explorer.labId === WALK || labs.some((l) => l.id === explorer.labId)) ? explorer.labId : (labs[0]?.id ?? WALK)
  const lab = labs.find((l) => l.id === labId) ?? null
  const engine = state.services.engine
  const engineReady = engine?.state === 'ready'

  const runs = explorer.startedRunIds.map((id) => state.runs[id]).filter((r) => r !== undefined)
  const current = runs[0] ?? null

  const start = useCallback(
    async (spec: RunSpec, label?: string): Promise<FieldIssue[] | null> => {
      try {
        // A book lab goes with the configured agent when the run panel says so; main checks the model first.
        const { run } = await client.call('runs.start', runsWithAgent(spec) ? { spec, agent: true } : { spec })
        dispatch({ type: 'runUpdated', run })
        rememberStartedRun(run.id, label)
        workspace.selectRun(run.id)
        return null
      } catch (error) {
        if (error instanceof ApiError && error.issues) return error.issues
        notify((error as Error).message)
        return null
      }
    },
    [client, dispatch, notify, workspace]
  )

  const cancel = useCallback((runId: number) => void client.call('runs.cancel', { runId }).catch((e: Error) => notify(e.message)), [client, notify])

  const openDashboard = (runId: number): void => {
    workspace.selectRun(runId)
    workspace.navigate(VIEWS.some((v) => v.id === 'dashboard') ? 'dashboard' : 'runs')
  }

  // Ctrl+Enter runs whatever form is showing; Esc cancels the explorer's running run.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault()
        ;(document.getElementById('explorer-form') as HTMLFormElement | null)?.requestSubmit()
      } else if (event.key === 'Escape' && current?.status === 'running' && !event.defaultPrevented) {
        event.preventDefault()
        cancel(current.id)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [current, cancel])

  // ↑/↓ in the lab list (outside inputs) move between labs.
  const labIds = useMemo(() => [...labs.map((l) => l.id), WALK], [labs])
  const onListKey = (event: ReactKeyboardEvent): void => {
    if ((event.key !== 'ArrowDown' && event.key !== 'ArrowUp') || isEditable(event.target)) return
    event.preventDefault()
    const i = labIds.indexOf(labId)
    const next = labIds[Math.max(0, Math.min(labIds.length - 1, i + (event.key === 'ArrowDown' ? 1 : -1)))]
    if (next) selectLab(next)
  }

  useCommands(
    current?.status === 'running'
      ? [{ id: 'explorer.cancel', title: `Cancel the explorer's run #${current.id}`, group: 'Explorer', shortcut: 'Esc', run: () => cancel(current.id) }]
      : current?.status === 'completed'
        ? [{ id: 'explorer.dashboard', title: `Open run #${current.id} in the dashboard`, group: 'Explorer', run: () => openDashboard(current.id) }]
        : []
  )

  if (labs.length === 0 && !engineReady) {
    return (
      <div className="explorer-empty">
        <p className="empty-state">
          {engine?.state === 'restarting' || engine?.state === 'failed'
            ? `The engine service is ${engine.state} (${engine.lastExit ?? 'stopped'}); the labs appear once it is ready again.`
            : 'Loading the labs from the engine…'}
        </p>
      </div>
    )
  }

  return (
    <div className="explorer" style={{ gridTemplateColumns: `${listWidth}px 6px minmax(380px, 1fr) 6px ${sideWidth}px` }}>
      <aside className="panel lab-list" aria-label="Labs" onKeyDown={onListKey}>
        <header className="panel-title">
          <span>Labs</span>
          {/* The engine can be ready before its catalogue arrives (the page no longer waits for it). */}
          <span className="muted" role={labs.length === 0 ? 'status' : undefined}>
            {labs.length === 0 ? 'loading…' : labs.length}
          </span>
        </header>
        <ul role="listbox" aria-label="Lab">
          {labs.map((l) => (
            <li key={l.id} role="option" aria-selected={l.id === labId} tabIndex={l.id === labId ? 0 : -1} className={l.id === labId ? 'active' : undefined} data-lab={l.id} onClick={() => selectLab(l.id)}>
              <span className="lab-title">
                {l.title}
                <span className="lab-chapter">{l.chapter > 0 ? `ch. ${l.chapter}` : 'seed'}</span>
              </span>
              <span className="lab-id mono">{l.id}</span>
              <span className="lab-description">{l.description}</span>
            </li>
          ))}
          <li role="option" aria-selected={labId === WALK} tabIndex={labId === WALK ? 0 : -1} className={labId === WALK ? 'active' : undefined} data-lab={WALK} onClick={() => selectLab(WALK)}>
            <span className="lab-title">
              Random walk<span className="lab-chapter">engine</span>
            </span>
            <span className="lab-description">A seeded Gaussian walk of up to 10 million steps: the engine's throughput check, end to end.</span>
          </li>
        </ul>
      </aside>
      <Splitter width={listWidth} onWidth={setListWidth} min={180} max={420} panel="before" label="Resize the lab list" />
      <main className="explorer-main">
        {lab ? (
          <LabPanel key={lab.id} lab={lab} draft={draftOf(explorer, lab.id)} engineReady={engineReady} engineState={engine?.state} onStart={start} />
        ) : (
          <section className="panel">
            <header className="panel-title">
              <span>Random walk</span>
            </header>
            <WalkForm disabled={!engineReady} onSubmit={(spec) => start(spec)} />
          </section>
        )}
      </main>
      <Splitter width={sideWidth} onWidth={setSideWidth} min={260} max={560} panel="after" label="Resize the run panel" />
      <aside className="explorer-side">
        {current ? (
          <RunMonitor
            run={current}
            frame={state.progress[current.id]}
            label={explorer.runLabels[current.id]}
            onCancel={() => cancel(current.id)}
            onOpenDashboard={() => openDashboard(current.id)}
            onCompare={
              runs[1]
                ? () => {
                    workspace.setCompareRunIds([runs[1]!.id, current.id])
                    workspace.navigate('compare')
                  }
                : null
            }
          />
        ) : (
          <section className="panel">
            <header className="panel-title">
              <span>Run</span>
            </header>
            <p className="empty-state">
              Nothing run from here yet. Set the parameters and press <b>Run</b> (<kbd>Ctrl ↵</kbd>); progress, rate and ETA show here.
            </p>
          </section>
        )}
        {runs.length > 1 && (
          <section className="panel recent-runs" aria-label="Recent explorer runs">
            <header className="panel-title">
              <span>Earlier from the explorer</span>
            </header>
            <ul>
              {runs.slice(1, 8).map((r) => (
                <li key={r.id} onClick={() => rememberStartedRun(r.id)} data-run-id={r.id} title="Show in the run panel">
                  <span className="mono">#{r.id}</span>
                  <span className="recent-label">{explorer.runLabels[r.id] ?? (r.spec.task === 'lab' ? `${r.spec.lab} · ${r.spec.preset}` : r.task)}</span>
                  <span className={`status status-${r.status}`}>{r.status}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>
    </div>
  )
}

interface LabPanelProps {
  lab: LabInfo
  draft: LabDraft
  engineReady: boolean
  engineState: string | undefined
  onStart(spec: RunSpec, label?: string): Promise<FieldIssue[] | null>
}

/** One lab: preset, seed, the generated form, live validation against the engine, and the stress menu. */
function LabPanel({ lab, draft, engineReady, engineState, onStart }: LabPanelProps) {
  const client = useClient()
  const presets = ['faithful', 'corrected', ...lab.profiles.map((p) => p.id)]
  const preset = presets.includes(draft.preset) ? draft.preset : 'faithful'
  const base = lab.presetConfigs[preset] ?? lab.defaults
  const presetSeed = valueAt(base, SEED_PATH)
  const fields = lab.form.fields
  const { overrides, unreadable } = useMemo(() => readDraft(fields, base, draft.edits), [fields, base, draft.edits])
  const seedText = draft.seed.trim()
  const seed = seedText === '' ? undefined : Number(seedText)
  const seedProblem = seed !== undefined && !Number.isInteger(seed) ? `must be a whole number (got ${JSON.stringify(seedText.slice(0, 20))})` : null
  const spec: LabRunSpec = useMemo(() => ({ task: 'lab', lab: lab.id, preset, ...(seed !== undefined && seedProblem === null ? { seed } : {}), overrides }), [lab.id, preset, seed, seedProblem, overrides])
  const specKey = JSON.stringify(spec)

  const [issues, setIssues] = useState<FieldIssue[]>([])
  const [variants, setVariants] = useState<StressVariant[] | null>(null)
  const [checkError, setCheckError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const latest = useRef(0)

  // Live validation: the engine plans the spec as it would for a run (same zod schema, same
  // messages) and answers with the stress menu of the resulting config.
  useEffect(() => {
    if (!engineReady || Object.keys(unreadable).length > 0 || seedProblem) return
    const ticket = ++latest.current
    const timer = setTimeout(() => {
      client.call('labs.stressMenu', { spec: JSON.parse(specKey) as LabRunSpec }).then(
        ({ variants }) => {
          if (ticket !== latest.current) return
          setIssues([])
          setVariants(variants)
          setCheckError(null)
        },
        (error: Error) => {
          if (ticket !== latest.current) return
          if (error instanceof ApiError && error.issues) {
            setIssues(error.issues)
            setVariants(null)
            setCheckError(null)
          } else setCheckError(error.message)
        }
      )
    }, 200)
    return () => clearTimeout(timer)
  }, [client, specKey, engineReady, unreadable, seedProblem])

  const placed = useMemo(() => placeIssues(fields, issues), [fields, issues])
  const problems: Record<string, string[]> = { ...placed.byField }
  for (const [path, message] of Object.entries(unreadable)) problems[path] = [message, ...(problems[path] ?? [])]
  if (seedProblem) problems[SEED_PATH] = [seedProblem]
  const seedProblems = problems[SEED_PATH]
  const modified = useMemo(() => new Set([...Object.keys(overrides), ...Object.keys(unreadable)]), [overrides, unreadable])
  const blocked = Object.keys(unreadable).length > 0 || seedProblem !== null || issues.length > 0

  const edit = (path: string, text: string | null): void =>
    updateDraft(lab.id, (d) => {
      const edits = { ...d.edits }
      if (text === null) delete edits[path]
      else edits[path] = text
      return { ...d, edits }
    })

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (blocked || submitting) return
    setSubmitting(true)
    try {
      const refused = await onStart(spec)
      if (refused) setIssues(refused)
    } finally {
      setSubmitting(false)
    }
  }

  async function runVariant(variant: StressVariant): Promise<void> {
    const refused = await onStart({ ...spec, overrides: { ...spec.overrides, ...variant.overrides } }, `stress: ${variant.name}`)
    if (refused) setIssues(refused)
  }

  const presetDescription = preset === 'faithful' ? lab.presets.faithful.description : preset === 'corrected' ? lab.presets.corrected.description : (lab.profiles.find((p) => p.id === preset)?.description ?? '')
  const corrections = preset === 'corrected' ? lab.presets.corrected.corrections : []
  const modifiedCount = Object.keys(overrides).length

  return (
    <div className="lab-panel">
      <section className="panel lab-header">
        <header className="panel-title">
          <span>
            {lab.title} {lab.chapter > 0 && <span className="muted">· book ch. {lab.chapter}</span>}
          </span>
          <span className="mono muted">{lab.id}</span>
        </header>
        <p className="lab-blurb">{lab.description}</p>
        <p className="muted lab-facts">
          {formatInteger(lab.steps)} steps (faithful) · actions {lab.actions.join(', ')} · regimes {lab.regimes.join(', ')}
        </p>
      </section>
      <section className="panel stress-menu" aria-label="Stress menu">
        <header className="panel-title">
          <span>Stress menu</span>
          <span className="muted">one factor at a time against this configuration</span>
        </header>
        {variants === null ? (
          <p className="muted">{blocked ? 'Fix the configuration to see its stress variants.' : engineReady ? 'Asking the engine for the variants…' : 'Waits for the engine.'}</p>
        ) : variants.length === 0 ? (
          <p className="muted">This lab defines no stress menu.</p>
        ) : (
          <ul>
            {variants.map((v) => (
              <li key={v.name}>
                <button type="button" disabled={!engineReady || blocked} onClick={() => void runVariant(v)} data-variant={v.name} title="Run this variant">
                  ▶ {v.name}
                </button>
                <span className="mono muted variant-overrides">
                  {Object.entries(v.overrides)
                    .map(([k, value]) => `${k}=${JSON.stringify(value)}`)
                    .join(' ')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <form className="panel lab-config" id="explorer-form" onSubmit={(e) => void submit(e)} aria-label="Lab parameters" noValidate>
        <div className="config-head">
          <label className="param">
            <span className="param-label">Preset</span>
            <select name="preset" value={preset} onChange={(e) => updateDraft(lab.id, (d) => ({ ...d, preset: e.target.value }))}>
              <option value="faithful">faithful (reference)</option>
              <option value="corrected">corrected ({lab.presets.corrected.corrections.length} fixes)</option>
              {lab.profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id} (profile)
                </option>
              ))}
            </select>
            <span />
            <span className="param-hint">{presetDescription}</span>
          </label>
          <label className={seedProblems ? 'param invalid' : 'param'}>
            <span className="param-label">Seed</span>
            <input name="seed" className="num-input" inputMode="numeric" placeholder={String(presetSeed ?? lab.defaultSeed)} value={draft.seed} onChange={(e) => updateDraft(lab.id, (d) => ({ ...d, seed: e.target.value }))} aria-invalid={!!seedProblems} />
            <span />
            <span className="param-hint" role={seedProblems ? 'alert' : undefined}>
              {seedProblems ? seedProblems.join('; ') : `empty: the preset's seed ${String(presetSeed ?? lab.defaultSeed)}`}
            </span>
          </label>
          {corrections.length > 0 && (
            <ul className="corrections">
              {corrections.map((c) => (
                <li key={c.id} title={c.why}>
                  <span className="mono">{c.id}</span> — {c.title}
                </li>
              ))}
            </ul>
          )}
        </div>
        <LabParameterForm labId={lab.id} form={lab.form} base={base} edits={draft.edits} modified={modified} problems={problems} onEdit={edit} hidden={new Set([SEED_PATH])} />
        <div className="form-footer">
          {placed.other.length > 0 && (
            <p className="form-error" role="alert">
              {placed.other.map((i) => `${i.path.replace(/^spec\.(overrides\.)?/, '')}: ${i.message}`).join('; ')}
            </p>
          )}
          {checkError && engineReady && <p className="warn-text">Could not check the configuration: {checkError}</p>}
          {!engineReady && <p className="warn-text">The engine service is {engineState ?? 'starting'}; it restarts by itself and Run comes back when it is ready.</p>}
          <AgentRunLine labId={lab.id} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={!engineReady || blocked || submitting} title={blocked ? 'Fix the marked fields first' : 'Run this configuration (Ctrl+Enter)'}>
              Run <kbd>Ctrl ↵</kbd>
            </button>
            <button type="button" disabled={modifiedCount === 0 && Object.keys(draft.edits).length === 0 && draft.seed === ''} onClick={() => updateDraft(lab.id, (d) => ({ ...d, seed: '', edits: {} }))}>
              Reset all
            </button>
            <span className="muted" data-testid="modified-count">
              {modifiedCount === 0 ? `preset ${preset}, unchanged` : `${modifiedCount} override${modifiedCount === 1 ? '' : 's'} on ${preset}`}
            </span>
          </div>
        </div>
      </form>
    </div>
  )
}
