import { useSyncExternalStore } from 'react'
import type { AgentSettingsView, LabRunSpec, RunSpec } from '../../../../shared/contract'
import { readStored, writeStored, isBoolean } from '../../app/persistence'

// The book's agent as the renderer knows it: the saved settings and the model they name (from
// main), whether the run panel runs book labs with it, whether the settings dialog is open, and
// the model's load progress while a run starts. Shared by the status bar, the run panel and the
// dialog, so each shows the same model.

export interface AgentLoad {
  label: string
  done: number
  total: number
}

export interface AgentUiState {
  view: AgentSettingsView | null
  error: string | null
  /** The run panel runs book labs with the configured model (remembered per browser). */
  useInRuns: boolean
  dialogOpen: boolean
  load: AgentLoad | null
}

let state: AgentUiState = { view: null, error: null, useInRuns: readStored('agent.useInRuns', true, isBoolean), dialogOpen: false, load: null }
const listeners = new Set<() => void>()

function update(change: Partial<AgentUiState>): void {
  state = { ...state, ...change }
  for (const listener of listeners) listener()
}

export const agentStore = {
  get: (): AgentUiState => state,
  setView: (view: AgentSettingsView): void => update({ view, error: null }),
  setError: (error: string): void => update({ error }),
  setUseInRuns: (useInRuns: boolean): void => {
    writeStored('agent.useInRuns', useInRuns)
    update({ useInRuns })
  },
  openDialog: (): void => update({ dialogOpen: true }),
  closeDialog: (): void => update({ dialogOpen: false }),
  /** A `task.progress` frame of `agent.load`; the last one (done = total) clears it. */
  loadProgress: (frame: AgentLoad): void => update({ load: frame.done >= frame.total ? null : frame })
}

export function useAgentState(): AgentUiState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => state
  )
}

/** Whether a run of `spec` goes with the agent: a book lab, a configured model, and the run panel's switch on. */
export function runsWithAgent(spec: RunSpec, current: AgentUiState = state): spec is LabRunSpec {
  return spec.task === 'lab' && current.useInRuns && current.view !== null && current.view.model !== null && current.view.labs.includes(spec.lab)
}
