import { useEffect } from 'react'
import { useClient } from '../../app/ClientContext'
import type { ViewProps } from '../../app/views'
import { useCommands, useWorkspace } from '../../app/workspace'
import { formatInteger } from '../../format/numbers'
import { RunDetail } from './RunDetail'
import { RunsTable } from './RunsTable'

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(element.tagName))
}

/** Every stored run, newest first: select one for its detail, tick several to compare them. */
export function RunsView({ state, notify }: ViewProps) {
  const client = useClient()
  const workspace = useWorkspace()
  const runs = state.order.map((id) => state.runs[id]).filter((r) => r !== undefined)
  const active = runs.filter((r) => r.status === 'running')
  const selected = (workspace.selectedRunId !== null ? state.runs[workspace.selectedRunId] : undefined) ?? runs[0]
  const compareIds = workspace.compareRunIds

  const toggleCompare = (id: number): void => workspace.setCompareRunIds(compareIds.includes(id) ? compareIds.filter((x) => x !== id) : [...compareIds, id])

  function cancel(runId: number) {
    client.call('runs.cancel', { runId }).catch((error: Error) => notify(error.message))
  }

  // A new run from a stored run's spec (an aborted run is re-run from step 0, not resumed).
  function rerun(runId: number) {
    client.call('runs.rerun', { runId }).then(
      ({ run }) => workspace.selectRun(run.id),
      (error: Error) => notify(error.message)
    )
  }

  // Esc cancels the newest active run; ↑/↓ move the selection; Space ticks the selected run.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return
      if (event.key === 'Escape' && active[0]) {
        event.preventDefault()
        cancel(active[0].id)
      } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !isEditable(event.target)) {
        const index = selected ? state.order.indexOf(selected.id) : -1
        const next = state.order[Math.max(0, Math.min(state.order.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))]
        if (next !== undefined) {
          event.preventDefault()
          workspace.selectRun(next)
          document.querySelector(`tr[data-run-id="${next}"]`)?.scrollIntoView({ block: 'nearest' })
        }
      } else if (event.key === ' ' && selected && selected.spec.task === 'lab' && !isEditable(event.target)) {
        event.preventDefault()
        toggleCompare(selected.id)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  useCommands(
    selected
      ? [
          {
            id: 'runs.tick',
            title: compareIds.includes(selected.id) ? `Untick run #${selected.id} for comparison` : `Tick run #${selected.id} for comparison`,
            group: 'Runs',
            shortcut: 'Space',
            run: () => toggleCompare(selected.id)
          },
          ...(selected.status !== 'running' ? [{ id: 'runs.rerun', title: `Re-run run #${selected.id} from its spec`, group: 'Runs', run: () => rerun(selected.id) }] : [])
        ]
      : []
  )

  if (runs.length === 0) {
    return (
      <div className="runs-view">
        <section className="panel runs-table empty" aria-label="Runs">
          <header className="panel-title">
            <span>Runs</span>
          </header>
          <p className="empty-state">
            {state.connection !== 'open' ? 'Waiting for the workstation to list the stored runs…' : 'No runs yet. '}
            {state.connection === 'open' && (
              <>
                Open the{' '}
                <button type="button" className="link" onClick={() => workspace.navigate('explorer')}>
                  Explorer
                </button>{' '}
                (<kbd>Alt 1</kbd>), pick a lab and press Run (<kbd>Ctrl ↵</kbd>). Every run is stored here with its manifest.
              </>
            )}
          </p>
        </section>
      </div>
    )
  }

  return (
    <div className="runs-view">
      <section className="panel runs-table" aria-label="Runs">
        <header className="panel-title">
          <span>Runs</span>
          <span className="runs-actions">
            <span className="muted">{formatInteger(state.totalRuns)} stored · ↑/↓ to move · Space to tick</span>
            {compareIds.length > 0 && (
              <button type="button" className="link" onClick={() => workspace.setCompareRunIds([])}>
                clear {compareIds.length} ticked
              </button>
            )}
            <button type="button" className="primary small" disabled={compareIds.length < 2} onClick={() => workspace.navigate('compare')} title={compareIds.length < 2 ? 'Tick two or more lab runs' : 'Open the compare view'}>
              Compare {compareIds.length > 0 ? compareIds.length : ''}
            </button>
          </span>
        </header>
        <RunsTable runs={runs} total={state.totalRuns} selectedId={selected?.id ?? null} onSelect={(id) => workspace.selectRun(id)} compareIds={compareIds} onToggleCompare={toggleCompare} progress={state.progress} />
      </section>
      {selected && <RunDetail run={selected} frame={state.progress[selected.id]} onCancel={() => cancel(selected.id)} onRerun={() => rerun(selected.id)} />}
    </div>
  )
}
