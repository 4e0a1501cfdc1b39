import { FIRST_SCREEN_ELEMENT_ID, type FirstScreen } from '../../../shared/first-screen'
import { reducer, type Action, type WorkstationState } from './state'

// The shell's state before the socket opens: the browser host writes the first screen's data
// into the page (src/main/host/first-screen.ts). Electron's page has none and loads it by call.

/** The actions that put the page's first-screen data into the shell's state (none when absent or unreadable). */
export function firstScreenActions(text: string | null | undefined): Action[] {
  if (!text) return []
  let state: FirstScreen
  try {
    state = JSON.parse(text) as FirstScreen
  } catch {
    return []
  }
  if (!state || typeof state !== 'object') return []
  const actions: Action[] = []
  if (state.info) actions.push({ type: 'info', info: state.info })
  if (Array.isArray(state.services)) actions.push({ type: 'services', services: state.services })
  if (state.runs && Array.isArray(state.runs.runs)) actions.push({ type: 'runsLoaded', runs: state.runs.runs, total: state.runs.total })
  if (Array.isArray(state.labs)) actions.push({ type: 'labs', labs: state.labs })
  return actions
}

/** useReducer's initialiser: `state` with this page's first-screen data applied. */
export function withPageFirstScreen(state: WorkstationState): WorkstationState {
  return firstScreenActions(document.getElementById(FIRST_SCREEN_ELEMENT_ID)?.textContent).reduce(reducer, state)
}
