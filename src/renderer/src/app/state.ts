import { produce } from 'immer'
import type { EventPayload, LabInfo, MethodResult, RunSummary, ServiceStatus } from '../../../shared/contract'
import type { ConnectionState } from '../api/client'

export type ProgressFrame = EventPayload<'run.progress'>

// The data the shell loads and keeps current from events. Which view is open and which run is
// selected live in the workspace (workspace.tsx), so every view agrees on them.

export interface WorkstationState {
  connection: ConnectionState
  info: MethodResult<'app.info'> | null
  inference: MethodResult<'inference.status'> | null
  inferenceError: string | null
  services: Record<string, ServiceStatus>
  labs: LabInfo[]
  runs: Record<number, RunSummary>
  /** Run ids, newest first. */
  order: number[]
  totalRuns: number
  progress: Record<number, ProgressFrame>
}

export const initialState: WorkstationState = {
  connection: 'connecting',
  info: null,
  inference: null,
  inferenceError: null,
  services: {},
  labs: [],
  runs: {},
  order: [],
  totalRuns: 0,
  progress: {}
}

export type Action =
  | { type: 'connection'; state: ConnectionState }
  | { type: 'info'; info: MethodResult<'app.info'> }
  | { type: 'inference'; status: MethodResult<'inference.status'> | null; error: string | null }
  | { type: 'services'; services: ServiceStatus[] }
  | { type: 'labs'; labs: LabInfo[] }
  | { type: 'runsLoaded'; runs: RunSummary[]; total: number }
  | { type: 'runUpdated'; run: RunSummary }
  | { type: 'progress'; frame: ProgressFrame }

export const reducer = produce((draft: WorkstationState, action: Action) => {
  switch (action.type) {
    case 'connection':
      draft.connection = action.state
      return
    case 'info':
      draft.info = action.info
      return
    case 'inference':
      draft.inference = action.status
      draft.inferenceError = action.error
      return
    case 'services':
      for (const service of action.services) draft.services[service.name] = service
      return
    case 'labs':
      draft.labs = action.labs
      return
    case 'runsLoaded':
      for (const run of action.runs) draft.runs[run.id] = run
      draft.order = [...new Set([...draft.order, ...action.runs.map((r) => r.id)])].sort((a, b) => b - a)
      draft.totalRuns = action.total
      return
    case 'runUpdated': {
      const isNew = !draft.runs[action.run.id]
      draft.runs[action.run.id] = action.run
      if (isNew) {
        draft.order.unshift(action.run.id)
        draft.order.sort((a, b) => b - a)
        draft.totalRuns += 1
      }
      if (action.run.status !== 'running') delete draft.progress[action.run.id]
      return
    }
    case 'progress':
      if (draft.runs[action.frame.runId]?.status === 'running') draft.progress[action.frame.runId] = action.frame
      return
  }
})
