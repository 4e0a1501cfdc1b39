import { lazy, type Dispatch, type ReactElement } from 'react'
import type { Action, WorkstationState } from './state'
import type { ViewId } from './workspace'
// Views load on first use: the shell and the first view are what a cold start has to parse.
const ExplorerView = lazy(() => import('../views/explorer/ExplorerView').then((m) => ({ default: m.ExplorerView })))
const RunsView = lazy(() => import('../views/runs/RunsView').then((m) => ({ default: m.RunsView })))
const DashboardView = lazy(() => import('../views/dashboard/DashboardView').then((m) => ({ default: m.DashboardView })))
const SurfaceView = lazy(() => import('../views/surface/SurfaceView').then((m) => ({ default: m.SurfaceView })))
const PhaseView = lazy(() => import('../views/phase/PhaseView').then((m) => ({ default: m.PhaseView })))
const DecisionLogView = lazy(() => import('../views/log/DecisionLogView').then((m) => ({ default: m.DecisionLogView })))
const CompareView = lazy(() => import('../views/compare/CompareView').then((m) => ({ default: m.CompareView })))
const SweepsView = lazy(() => import('../views/sweeps/SweepsView').then((m) => ({ default: m.SweepsView })))
const RegimeView = lazy(() => import('../views/regime/RegimeView').then((m) => ({ default: m.RegimeView })))
const MemoView = lazy(() => import('../views/memo/MemoView').then((m) => ({ default: m.MemoView })))
const PortfolioView = lazy(() => import('../views/portfolio/PortfolioView').then((m) => ({ default: m.PortfolioView })))
const RiskView = lazy(() => import('../views/risk/RiskView').then((m) => ({ default: m.RiskView })))
const TerrainView = lazy(() => import('../views/terrain/TerrainView').then((m) => ({ default: m.TerrainView })))

/** What every top-level view receives from the shell. */
export interface ViewProps {
  state: WorkstationState
  dispatch: Dispatch<Action>
  notify(message: string): void
}

export interface ViewEntry {
  id: ViewId
  title: string
  /** Alt+<key> opens the view; also listed in the command palette. The nav is ordered by key. */
  key: string
  /** One or two characters shown in the collapsed nav rail. */
  icon?: string
  /** The view shows one run (the workspace's selected run); the nav says so when none is selected. */
  needsRun?: boolean
  render(props: ViewProps): ReactElement
}

/** The shell's navigation. Each view adds its one entry here. */
export const VIEWS: ViewEntry[] = [
  { id: 'explorer', title: 'Explorer', key: '1', icon: '◇', render: (props) => <ExplorerView {...props} /> },
  { id: 'runs', title: 'Runs', key: '2', icon: '≡', render: (props) => <RunsView {...props} /> },
  { id: 'dashboard', title: 'Dashboard', key: '3', icon: '▤', needsRun: true, render: (props) => <DashboardView {...props} /> },
  { id: 'surface', title: 'Surface', key: '4', icon: '▦', needsRun: true, render: (props) => <SurfaceView {...props} /> },
  { id: 'phase', title: 'Phase space', key: '5', icon: '◎', needsRun: true, render: (props) => <PhaseView {...props} /> },
  { id: 'compare', title: 'Compare', key: '7', icon: '⇄', render: (props) => <CompareView {...props} /> },
  { id: 'regime', title: 'Regime', key: '9', icon: '∿', render: (props) => <RegimeView {...props} /> },
  { id: 'log', title: 'Decision log', key: '6', icon: '☰', needsRun: true, render: (props) => <DecisionLogView {...props} /> },
  { id: 'sweeps', title: 'Sweeps', key: '8', icon: '▦', render: (props) => <SweepsView {...props} /> },
  { id: 'memo', title: 'Memo', key: '0', icon: '✎', needsRun: true, render: (props) => <MemoView {...props} /> },
  { id: 'portfolio', title: 'Portfolio', key: 'P', icon: '▥', render: (props) => <PortfolioView {...props} /> },
  { id: 'risk', title: 'Risk', key: 'R', icon: '⚠', render: (props) => <RiskView {...props} /> },
  { id: 'terrain', title: 'Terrain', key: 'M', icon: '△', render: (props) => <TerrainView {...props} /> }
]

/** VIEWS in nav order (by shortcut key), whatever order entries were added in. */
export function navViews(): ViewEntry[] {
  // Keyboard order: Alt+1 … Alt+9, then Alt+0 (the key right of 9).
  // Letter keys (Alt+P, Alt+R) follow the digits, in the order listed.
  const rank = (key: string): number => (key === '0' ? 10 : /^\d$/.test(key) ? Number(key) : 11)
  return [...VIEWS].sort((a, b) => rank(a.key) - rank(b.key))
}
