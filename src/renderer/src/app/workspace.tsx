import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'

// The workspace: which view is open, which run(s) it looks at, and which moment of a run the
// user last pointed at. Views read and move it; none of them reach into another view's state.

export type ViewId = 'explorer' | 'runs' | 'dashboard' | 'surface' | 'phase' | 'log' | 'compare' | 'sweeps' | 'regime' | 'memo' | 'portfolio' | 'risk' | 'terrain'

/** A moment of a run the user jumped to (decision log row, chart click, scrubber). */
export interface FocusPoint {
  runId: number
  t: number
}

/** One action of the command palette (Ctrl/Cmd+K); `shortcut` is shown, the view binds it. */
export interface Command {
  id: string
  title: string
  /** Grouping in the palette: "View", "Run", "Explorer", … */
  group: string
  shortcut?: string
  run(): void
}

export interface Workspace {
  view: ViewId
  navigate(view: ViewId): void
  selectedRunId: number | null
  selectRun(runId: number | null): void
  /** Runs ticked for the compare view, in the order ticked. */
  compareRunIds: number[]
  setCompareRunIds(ids: number[]): void
  focus: FocusPoint | null
  /** Jump to step t of a run: selects the run and tells every chart of it to show t. */
  focusAt(point: FocusPoint | null): void
  /** Commands currently offered by mounted views and the shell, for the palette. */
  commands: Command[]
  /** Adds commands while the caller is mounted; returns the remover. */
  registerCommands(commands: Command[]): () => void
}

const WorkspaceContext = createContext<Workspace | null>(null)

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext)
  if (!workspace) throw new Error('useWorkspace outside <WorkspaceProvider>')
  return workspace
}

/** Offers commands to the palette while the calling component is mounted. */
export function useCommands(commands: Command[]): void {
  const { registerCommands } = useWorkspace()
  const latest = useRef(commands)
  latest.current = commands
  const key = commands.map((c) => `${c.id}\u0000${c.title}`).join('\u0001')
  useEffect(() => {
    // Commands call through `latest` so a re-render never leaves a stale closure in the palette.
    const stable = latest.current.map((c, i) => ({ ...c, run: () => latest.current[i]?.run() }))
    return registerCommands(stable)
  }, [key, registerCommands])
}

export function WorkspaceProvider({ initialView = 'explorer', children }: { initialView?: ViewId; children: ReactNode }) {
  const [view, setView] = useState<ViewId>(initialView)
  const [selectedRunId, setSelectedRunId] = useState<number | null>(null)
  const [compareRunIds, setCompareRunIds] = useState<number[]>([])
  const [focus, setFocus] = useState<FocusPoint | null>(null)
  const [commandSets, setCommandSets] = useState<Command[][]>([])
  // Stable identities: views register commands in effects keyed on these.
  const registerCommands = useCallback((commands: Command[]) => {
    setCommandSets((sets) => [...sets, commands])
    return () => setCommandSets((sets) => sets.filter((s) => s !== commands))
  }, [])
  const focusAt = useCallback((point: FocusPoint | null) => {
    setFocus(point)
    if (point) setSelectedRunId(point.runId)
  }, [])

  const workspace = useMemo<Workspace>(
    () => ({
      view,
      navigate: setView,
      selectedRunId,
      selectRun: setSelectedRunId,
      compareRunIds,
      setCompareRunIds,
      focus,
      focusAt,
      commands: commandSets.flat(),
      registerCommands
    }),
    [view, selectedRunId, compareRunIds, focus, commandSets, registerCommands, focusAt]
  )
  return <WorkspaceContext.Provider value={workspace}>{children}</WorkspaceContext.Provider>
}
