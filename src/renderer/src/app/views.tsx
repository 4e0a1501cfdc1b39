import { lazy, type Dispatch, type ReactElement } from 'react'
import type { Action, WorkstationState } from './state'
import type { ViewId } from './workspace'
// Views load on first use: the shell and the first view are what a cold start has to parse.
const loadExplorerView = () => import('../views/explorer/ExplorerView')
const loadRunsView = () => import('../views/runs/RunsView')
const loadDashboardView = () => import('../views/dashboard/DashboardView')
const loadSurfaceView = () => import('../views/surface/SurfaceView')
const loadPhaseView = () => import('../views/phase/PhaseView')
const loadDecisionLogView = () => import('../views/log/DecisionLogView')
const loadCompareView = () => import('../views/compare/CompareView')
const loadSweepsView = () => import('../views/sweeps/SweepsView')
const loadRegimeView = () => import('../views/regime/RegimeView')
const loadMemoView = () => import('../views/memo/MemoView')
const loadPortfolioView = () => import('../views/portfolio/PortfolioView')
const loadRiskView = () => import('../views/risk/RiskView')
const ExplorerView = lazy(() => loadExplorerView().then((m) => ({ default: m.ExplorerView })))
const RunsView = lazy(() => loadRunsView().then((m) => ({ default: m.RunsView })))
const DashboardView = lazy(() => loadDashboardView().then((m) => ({ default: m.DashboardView })))
const SurfaceView = lazy(() => loadSurfaceView().then((m) => ({ default: m.SurfaceView })))
const PhaseView = lazy(() => loadPhaseView().then((m) => ({ default: m.PhaseView })))
const DecisionLogView = lazy(() => loadDecisionLogView().then((m) => ({ default: m.DecisionLogView })))
const CompareView = lazy(() => loadCompareView().then((m) => ({ default: m.CompareView })))
const SweepsView = lazy(() => loadSweepsView().then((m) => ({ default: m.SweepsView })))
const RegimeView = lazy(() => loadRegimeView().then((m) => ({ default: m.RegimeView })))
const MemoView = lazy(() => loadMemoView().then((m) => ({ default: m.MemoView })))
const PortfolioView = lazy(() => loadPortfolioView().then((m) => ({ default: m.PortfolioView })))
const RiskView = lazy(() => loadRiskView().then((m) => ({ default: m.RiskView })))
/**
 * Fetches and parses every view's chunk once the first screen is up and the page is idle, so
 * that the first switch to another view does not wait for its download.
 */
export function prefetchViews(): void {
  for (const load of [loadExplorerView, loadRunsView, loadDashboardView, loadSurfaceView, loadPhaseView, loadDecisionLogView, loadCompareView, loadSweepsView, loadRegimeView, loadMemoView, loadPortfolioView, loadRiskView]) void load().catch(() => undefined)
}

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
  { id: 'risk', title: 'Risk', key: 'R', icon: '⚠', render: (props) => <RiskView {...props} /> }
]

/** VIEWS in nav order (by shortcut key), whatever order entries were added in. */
export function navViews(): ViewEntry[] {
  // Keyboard order: Alt+1 … Alt+9, then Alt+0 (the key right of 9).
  // Letter keys (Alt+P, Alt+R) follow the digits, in the order listed.
  const rank = (key: string): number => (key === '0' ? 10 : /^\d$/.test(key) ? Number(key) : 11)
  return [...VIEWS].sort((a, b) => rank(a.key) - rank(b.key))
}
