import { useEffect, type Dispatch } from 'react'
import { ApiError, type RunSpec } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import type { Action, WorkstationState } from '../../app/state'
import { NewRunPanel } from './NewRunPanel'
import { RunDetail } from './RunDetail'
import { RunProgress } from './RunProgress'
import { RunsTable } from './RunsTable'

export interface RunsViewProps {
  state: WorkstationState
  dispatch: Dispatch<Action>
  notify(message: string): void
}

export function RunsView({ state, dispatch, notify }: RunsViewProps) {
  const client = useClient()
  const runs = state.order.map((id) => state.runs[id]).filter((r) => r !== undefined)
  const active = runs.filter((r) => r.status === 'running')
  const selected = state.selectedRunId !== null ? state.runs[state.selectedRunId] : runs[0]

  async function start(spec: RunSpec) {
    try {
      const { run } = await client.call('runs.start', { spec })
      dispatch({ type: 'runUpdated', run })
      dispatch({ type: 'select', runId: run.id })
      return null
    } catch (error) {
      if (error instanceof ApiError && error.issues) return error.issues
      notify((error as Error).message)
      return null
    }
  }

  function cancel(runId: number) {
    client.call('runs.cancel', { runId }).catch((error: Error) => notify(error.message))
  }

  // Esc cancels the newest active run; ↑/↓ move the selection through the table.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (event.key === 'Escape' && active[0]) {
        event.preventDefault()
        cancel(active[0].id)
      } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && target?.tagName !== 'INPUT') {
        const index = selected ? state.order.indexOf(selected.id) : -1
        const next = state.order[Math.max(0, Math.min(state.order.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))]
        if (next !== undefined) {
          event.preventDefault()
          dispatch({ type: 'select', runId: next })
        }
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  return (
    <div className="runs-view">
      <aside className="side">
        <NewRunPanel labs={state.labs} onSubmit={start} />
        {active.map((run) => (
          <RunProgress key={run.id} run={run} frame={state.progress[run.id]} onCancel={() => cancel(run.id)} />
        ))}
      </aside>
      <main className="content">
        <RunsTable runs={runs} total={state.totalRuns} selectedId={selected?.id ?? null} onSelect={(id) => dispatch({ type: 'select', runId: id })} />
        {selected && <RunDetail run={selected} />}
      </main>
    </div>
  )
}
