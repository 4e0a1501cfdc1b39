import { lazy, type ComponentType, type Dispatch, type ReactElement } from 'react'
import type { Action, WorkstationState } from './state'
import type { ViewId } from './workspace'
import { ExplorerView } from '../views/explorer/ExplorerView'
// Views load on first use: the shell and the first view are what a cold start has to parse. The
// Explorer, a fresh profile's first view, is part of the entry bundle: fetched with the page's own
// script rather than after it has run (one round trip and one compile task less before it shows).

/** A view's chunk: loaded on its first render, or ahead of time by prefetchViews. */
function lazyView<M>(load: () => Promise<M>, pick: (module: M) => ComponentType<ViewProps>) {
  return { Component: lazy(() => load().then((m) => ({ default: pick(m) }))), load }
}
const runsView = lazyView(() => import('../views/runs/RunsView'), (m) => m.RunsView)
const dashboardView = lazyView(() => import('../views/dashboard/DashboardView'), (m) => m.DashboardView)
const surfaceView = lazyView(() => import('../views/surface/SurfaceView'), (m) => m.SurfaceView)
const phaseView = lazyView(() => import('../views/phase/PhaseView'), (m) => m.PhaseView)
const decisionLogView = lazyView(() => import('../views/log/DecisionLogView'), (m) => m.DecisionLogView)
const compareView = lazyView(() => import('../views/compare/CompareView'), (m) => m.CompareView)
const sweepsView = lazyView(() => import('../views/sweeps/SweepsView'), (m) => m.SweepsView)
const regimeView = lazyView(() => import('../views/regime/RegimeView'), (m) => m.RegimeView)
const memoView = lazyView(() => import('../views/memo/MemoView'), (m) => m.MemoView)
const portfolioView = lazyView(() => import('../views/portfolio/PortfolioView'), (m) => m.PortfolioView)
const riskView = lazyView(() => import('../views/risk/RiskView'), (m) => m.RiskView)
const terrainView = lazyView(() => import('../views/terrain/TerrainView'), (m) => m.TerrainView)

/**
 * Fetches and parses every view's chunk once the first screen is up and the page is idle, so
 * that the first switch to another view does not wait for its download.
 */
export function prefetchViews(): void {
  for (const view of [runsView, dashboardView, surfaceView, phaseView, decisionLogView, compareView, sweepsView, regimeView, memoView, portfolioView, riskView, terrainView]) void view.load().catch(() => undefined)
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
  { id: 'runs', title: 'Runs', key: '2', icon: '≡', render: (props) => <runsView.Component {...props} /> },
  { id: 'dashboard', title: 'Dashboard', key: '3', icon: '▤', needsRun: true, render: (props) => <dashboardView.Component {...props} /> },
  { id: 'surface', title: 'Surface', key: '4', icon: '▦', needsRun: true, render: (props) => <surfaceView.Component {...props} /> },
  { id: 'phase', title: 'Phase space', key: '5', icon: '◎', needsRun: true, render: (props) => <phaseView.Component {...props} /> },
  { id: 'compare', title: 'Compare', key: '7', icon: '⇄', render: (props) => <compareView.Component {...props} /> },
  { id: 'regime', title: 'Regime', key: '9', icon: '∿', render: (props) => <regimeView.Component {...props} /> },
  { id: 'log', title: 'Decision log', key: '6', icon: '☰', needsRun: true, render: (props) => <decisionLogView.Component {...props} /> },
  { id: 'sweeps', title: 'Sweeps', key: '8', icon: '▦', render: (props) => <sweepsView.Component {...props} /> },
  { id: 'memo', title: 'Memo', key: '0', icon: '✎', needsRun: true, render: (props) => <memoView.Component {...props} /> },
  { id: 'portfolio', title: 'Portfolio', key: 'P', icon: '▥', render: (props) => <portfolioView.Component {...props} /> },
  { id: 'risk', title: 'Risk', key: 'R', icon: '⚠', render: (props) => <riskView.Component {...props} /> },
  { id: 'terrain', title: 'Terrain', key: 'M', icon: '△', render: (props) => <terrainView.Component {...props} /> }
]

/** VIEWS in nav order (by shortcut key), whatever order entries were added in. */
export function navViews(): ViewEntry[] {
  // Keyboard order: Alt+1 … Alt+9, then Alt+0 (the key right of 9).
  // Letter keys (Alt+P, Alt+R) follow the digits, in the order listed.
  const rank = (key: string): number => (key === '0' ? 10 : /^\d$/.test(key) ? Number(key) : 11)
  return [...VIEWS].sort((a, b) => rank(a.key) - rank(b.key))
}
