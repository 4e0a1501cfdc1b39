import type { Dispatch, ReactElement } from 'react'
import type { Action, WorkstationState } from './state'
import type { ViewId } from './workspace'
import { RunsView } from '../views/runs/RunsView'

/** What every top-level view receives from the shell. */
export interface ViewProps {
  state: WorkstationState
  dispatch: Dispatch<Action>
  notify(message: string): void
}

export interface ViewEntry {
  id: ViewId
  title: string
  /** Alt+<key> opens the view; also listed in the command palette. */
  key: string
  render(props: ViewProps): ReactElement
}

/** The shell's navigation, in order. Each view adds its one entry here. */
export const VIEWS: ViewEntry[] = [
  { id: 'runs', title: 'Runs', key: '2', render: (props) => <RunsView {...props} /> }
]
