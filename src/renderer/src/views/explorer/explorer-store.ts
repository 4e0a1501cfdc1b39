import { useSyncExternalStore } from 'react'
import { readStored, writeStored } from '../../app/persistence'

// The explorer's working state outlives the view: leaving for the dashboard and coming back
// finds the same lab, preset, seed and edits, and the same run in progress. It is also written
// to localStorage, so a reload keeps an unfinished configuration.

/** What the user typed for one lab: the raw text of every edited input, keyed by config path. */
export interface LabDraft {
  preset: string
  /** '' means the preset's seed. */
  seed: string
  edits: Record<string, string>
}

export interface ExplorerState {
  /** A lab id, or WALK for the engine's random-walk task. */
  labId: string | null
  drafts: Record<string, LabDraft>
  /** Runs started from the explorer, newest first (the first is the one the progress panel follows). */
  startedRunIds: number[]
  /** What started a run, when it was not the plain form ("stress: impact doubled"). */
  runLabels: Record<number, string>
}

/** The engine's seeded random walk sits in the lab list as the throughput check. */
export const WALK = 'random-walk'

export const emptyDraft = (): LabDraft => ({ preset: 'faithful', seed: '', edits: {} })

const isState = (v: unknown): v is ExplorerState => {
  if (v === null || typeof v !== 'object') return false
  const s = v as Partial<ExplorerState>
  return (s.labId === null || typeof s.labId === 'string') && typeof s.drafts === 'object' && s.drafts !== null && Array.isArray(s.startedRunIds)
}

const stored = readStored<ExplorerState>('explorer', { labId: null, drafts: {}, startedRunIds: [], runLabels: {} }, isState)
let state: ExplorerState = { ...stored, runLabels: stored.runLabels ?? {} }
const listeners = new Set<() => void>()

export function getExplorerState(): ExplorerState {
  return state
}

export function updateExplorer(change: (current: ExplorerState) => ExplorerState): void {
  state = change(state)
  const kept = state.startedRunIds.slice(0, 20)
  writeStored('explorer', { ...state, startedRunIds: kept, runLabels: Object.fromEntries(kept.filter((id) => state.runLabels[id]).map((id) => [id, state.runLabels[id]])) })
  for (const listener of listeners) listener()
}

export function useExplorerState(): ExplorerState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getExplorerState
  )
}

/** Opens a lab in the explorer (the palette's "New run of …"). */
export function selectLab(labId: string): void {
  updateExplorer((s) => ({ ...s, labId }))
}

export function draftOf(s: ExplorerState, labId: string): LabDraft {
  return s.drafts[labId] ?? emptyDraft()
}

export function updateDraft(labId: string, change: (draft: LabDraft) => LabDraft): void {
  updateExplorer((s) => ({ ...s, drafts: { ...s.drafts, [labId]: change(draftOf(s, labId)) } }))
}

/** Puts a run at the head of the explorer's list (the progress panel follows the head). */
export function rememberStartedRun(runId: number, label?: string): void {
  updateExplorer((s) => ({
    ...s,
    startedRunIds: [runId, ...s.startedRunIds.filter((id) => id !== runId)],
    runLabels: label ? { ...s.runLabels, [runId]: label } : s.runLabels
  }))
}
