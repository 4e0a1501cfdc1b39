import { Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useState } from 'react'
import { selectLab } from '../views/explorer/explorer-store'
import { useClient } from './ClientContext'
import { CommandPalette, ShortcutSheet } from './CommandPalette'
import { isBoolean, isRunId, isRunIds, isString, readStored, usePersistentState, writeStored } from './persistence'
import { withPageFirstScreen } from './first-screen'
import { initialState, reducer } from './state'
import { StatusBar } from './StatusBar'
import { AgentHost } from '../views/agent/AgentHost'
import { applyTheme, loadTheme, saveTheme, type Theme } from './theme'
import { navViews, prefetchViews, VIEWS } from './views'
import { useCommands, useWorkspace, type Command, type ViewId } from './workspace'

type Overlay = 'palette' | 'shortcuts' | null

const isEditable = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
}

/**
 * The view the last session left open (Explorer the first time). main.tsx opens the workspace on
 * it, so that the first render loads that view's chunk and no other.
 */
export function rememberedView(): ViewId {
  const view = readStored<string>('view', 'explorer', isString)
  return (VIEWS.some((v) => v.id === view) ? view : 'explorer') as ViewId
}

/** Puts back the view, selected run and compared runs of the last session (once, before the first paint). */
function useRememberedWorkspace(): void {
  const workspace = useWorkspace()
  const { navigate, selectRun, setCompareRunIds } = workspace
  // Nothing is written until the remembered state is back: the first commit still shows the
  // provider's defaults, which must not overwrite what is being restored.
  const [restored, setRestored] = useState(false)
  useLayoutEffect(() => {
    navigate(rememberedView())
    selectRun(readStored('selectedRun', null, isRunId))
    setCompareRunIds(readStored('compareRuns', [], isRunIds))
    setRestored(true)
  }, [navigate, selectRun, setCompareRunIds])
  useEffect(() => {
    if (!restored) return
    writeStored('view', workspace.view)
    writeStored('selectedRun', workspace.selectedRunId)
    writeStored('compareRuns', workspace.compareRunIds)
  }, [restored, workspace.view, workspace.selectedRunId, workspace.compareRunIds])
}

/** Runs `task` when the page is next idle (at most `timeoutMs` later); returns a cancel. */
function whenIdle(task: () => void, timeoutMs = 2000): () => void {
  const id = requestIdleCallback(task, { timeout: timeoutMs })
  return () => cancelIdleCallback(id)
}

export function App() {
  const client = useClient()
  const [state, dispatch] = useReducer(reducer, initialState, withPageFirstScreen)
  const [notice, setNotice] = useState<string | null>(null)
  const notify = useCallback((message: string) => setNotice(message), [])
  const workspace = useWorkspace()
  const [overlay, setOverlay] = useState<Overlay>(null)
  const [theme, setTheme] = useState<Theme>(loadTheme)
  const [navCollapsed, setNavCollapsed] = usePersistentState('navCollapsed', false, isBoolean)
  useRememberedWorkspace()
  const current = VIEWS.find((v) => v.id === workspace.view) ?? VIEWS[0]!

  useLayoutEffect(() => applyTheme(theme), [theme])
  const toggleTheme = useCallback(() => {
    setTheme((t) => {
      const next = t === 'dark' ? 'light' : 'dark'
      saveTheme(next)
      return next
    })
  }, [])

  // Subscribed in the commit, before the first paint: a state the client already holds (the
  // services' states the host pushes as the socket opens) is in the first frame, not a frame later.
  useLayoutEffect(() => {
    const offs = [
      client.onConnection((connection) => dispatch({ type: 'connection', state: connection })),
      client.on('run.updated', ({ run }) => dispatch({ type: 'runUpdated', run })),
      client.on('run.progress', (frame) => dispatch({ type: 'progress', frame })),
      client.on('service.status', (service) => dispatch({ type: 'services', services: [service] }))
    ]
    return () => offs.forEach((off) => off())
  }, [client])

  // (Re)load everything whenever the connection opens: after a reconnect the list may have moved
  // on. Not the labs, fixed by the code version (below).
  useEffect(() => {
    if (state.connection !== 'open') return
    client.call('app.info', {}).then((info) => dispatch({ type: 'info', info }), (e: Error) => notify(e.message))
    client.call('services.status', {}).then(({ services }) => dispatch({ type: 'services', services }), (e: Error) => notify(e.message))
    client.call('runs.list', { limit: 200 }).then(({ runs, total }) => dispatch({ type: 'runsLoaded', runs, total }), (e: Error) => notify(e.message))
  }, [client, state.connection, notify])

  const engineReady = state.services.engine?.state === 'ready'
  // The inference service starts on its first call (onnxruntime and its provider probe): ask
  // for its status once the engine is up and the page has gone idle after the first screen, so
  // that start-up does not compete with a cold start.
  useEffect(() => {
    if (state.connection !== 'open' || !engineReady) return
    return whenIdle(() =>
      client.call('inference.status', {}).then(
        (status) => dispatch({ type: 'inference', status, error: null }),
        (e: Error) => dispatch({ type: 'inference', status: null, error: e.message })
      )
    )
  }, [client, state.connection, engineReady])
  // The other views' chunks, once the first screen is up.
  useEffect(() => {
    if (state.connection !== 'open' || !engineReady) return
    return whenIdle(prefetchViews, 5000)
  }, [state.connection, engineReady])
  // The labs: in the page already (the browser host's first screen), or asked once the socket is
  // open. Without the build's catalogue they wait for the engine: asked again once it is (back) up.
  const hasLabs = state.labs.length > 0
  useEffect(() => {
    if (state.connection !== 'open' || hasLabs) return
    client.call('labs.list', {}).then(
      ({ labs }) => dispatch({ type: 'labs', labs }),
      (e: Error) => {
        if (engineReady) notify(e.message)
      }
    )
  }, [client, state.connection, engineReady, hasLabs, notify])

  const running = state.order.filter((id) => state.runs[id]?.status === 'running')
  const shellCommands = useMemo<Command[]>(
    () => [
      ...navViews().map((v) => ({ id: `view.${v.id}`, title: v.title, group: 'View', shortcut: `Alt+${v.key}`, run: () => workspace.navigate(v.id) })),
      { id: 'shell.theme', title: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`, group: 'Shell', shortcut: 'Alt+T', run: toggleTheme },
      { id: 'shell.shortcuts', title: 'Keyboard shortcuts', group: 'Shell', shortcut: '?', run: () => setOverlay('shortcuts') },
      { id: 'shell.nav', title: navCollapsed ? 'Expand the navigation rail' : 'Collapse the navigation rail', group: 'Shell', run: () => setNavCollapsed(!navCollapsed) },
      ...state.labs.map((lab) => ({
        id: `run.new.${lab.id}`,
        title: `New run of ${lab.id} (${lab.title})`,
        group: 'Run',
        run: () => {
          selectLab(lab.id)
          workspace.navigate('explorer')
        }
      })),
      ...running.map((id) => {
        const run = state.runs[id]!
        return {
          id: `run.cancel.${id}`,
          title: `Cancel run #${id} (${run.spec.task === 'lab' ? run.spec.lab : run.task})`,
          group: 'Run',
          run: () => void client.call('runs.cancel', { runId: id }).catch((e: Error) => notify(e.message))
        }
      }),
      {
        id: 'run.compare',
        title: `Compare selected runs${workspace.compareRunIds.length ? ` (${workspace.compareRunIds.map((id) => `#${id}`).join(', ')})` : ''}`,
        group: 'Run',
        run: () => workspace.navigate('compare')
      }
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `running` is derived from state.order/runs
    [workspace.navigate, workspace.compareRunIds, theme, toggleTheme, navCollapsed, setNavCollapsed, state.labs, state.order, state.runs, client, notify]
  )
  useCommands(shellCommands)

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        setOverlay((o) => (o === 'palette' ? null : 'palette'))
        return
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        const key = /^(?:Digit|Key)([0-9A-Z])$/.exec(event.code)?.[1]
        const view = key ? VIEWS.find((v) => v.key === key) : undefined
        if (view) {
          event.preventDefault()
          setOverlay(null)
          workspace.navigate(view.id)
        } else if (event.code === 'KeyT') {
          event.preventDefault()
          toggleTheme()
        }
        return
      }
      if (event.key === '?' && !event.ctrlKey && !event.metaKey && !isEditable(event.target)) {
        event.preventDefault()
        setOverlay((o) => (o === 'shortcuts' ? null : 'shortcuts'))
      } else if (event.key === 'Escape' && overlay) {
        // Closing a dialog must not also cancel a run in the view underneath.
        event.preventDefault()
        event.stopImmediatePropagation()
        setOverlay(null)
      }
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [workspace.navigate, toggleTheme, overlay]) // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className={navCollapsed ? 'shell nav-collapsed' : 'shell'}>
      <header className="topbar">
        <button type="button" className="icon-button" onClick={() => setNavCollapsed(!navCollapsed)} aria-label={navCollapsed ? 'Expand navigation' : 'Collapse navigation'} title="Collapse or expand the navigation rail">
          ☰
        </button>
        <span className="brand">MECHANICA</span>
        <span className="topbar-view">{current.title}</span>
        <span className="spacer" />
        <button type="button" className="palette-hint" onClick={() => setOverlay('palette')} title="Command palette">
          Search commands <kbd>Ctrl K</kbd>
        </button>
        <button type="button" className="icon-button" onClick={toggleTheme} aria-label="Toggle theme" data-testid="theme-toggle" title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme (Alt+T)`}>
          {theme === 'dark' ? '☾' : '☀'}
        </button>
        <button type="button" className="icon-button" onClick={() => setOverlay('shortcuts')} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
      </header>
      <div className="shell-body">
        <nav className="nav-rail" aria-label="Views">
          {navViews().map((v) => {
            const active = v === current
            const waiting = v.needsRun && workspace.selectedRunId === null
            return (
              <a
                key={v.id}
                href={`#${v.id}`}
                className={[active ? 'active' : '', waiting ? 'waiting' : ''].join(' ').trim() || undefined}
                aria-current={active ? 'page' : undefined}
                title={`${v.title} (Alt+${v.key})${waiting ? ' — select a run first' : ''}`}
                onClick={(e) => {
                  e.preventDefault()
                  workspace.navigate(v.id)
                }}
              >
                <span className="nav-icon" aria-hidden>
                  {v.icon ?? v.title[0]}
                </span>
                <span className="nav-title">{v.title}</span>
                <kbd className="nav-key">{v.key}</kbd>
              </a>
            )
          })}
        </nav>
        <div className="view-area">
          {notice && (
            <div className="notice" role="alert">
              <span>{notice}</span>
              <button type="button" onClick={() => setNotice(null)} aria-label="Dismiss">
                ×
              </button>
            </div>
          )}
          <ConnectionBanner state={state} />
          {/* Keyed on the theme: charts read the theme's colours when they are created. */}
          <div className="view-host" key={theme}>
            <Suspense fallback={<div className="view-loading" role="status">Loading {current.title}…</div>}>{current.render({ state, dispatch, notify })}</Suspense>
          </div>
        </div>
      </div>
      <StatusBar state={state} />
      {overlay === 'palette' && <CommandPalette commands={workspace.commands} onClose={() => setOverlay(null)} />}
      {overlay === 'shortcuts' && <ShortcutSheet commands={workspace.commands} onClose={() => setOverlay(null)} />}
      <AgentHost connected={state.connection === 'open'} />
    </div>
  )
}

/** Says what is wrong with the link to the workstation or its services, and that it recovers by itself. */
function ConnectionBanner({ state }: { state: typeof initialState }) {
  if (state.connection === 'reconnecting') {
    return <div className="banner banner-bad" role="status">The connection to the workstation was lost; reconnecting… Runs in progress go on in the engine.</div>
  }
  if (state.connection === 'connecting') return <div className="banner" role="status">Connecting to the workstation…</div>
  const down = Object.values(state.services).filter((s) => s.state === 'restarting' || s.state === 'failed')
  if (down.length === 0) return null
  return (
    <div className="banner banner-bad" role="status" data-testid="service-banner">
      {down.map((s) => (
        <span key={s.name}>
          The {s.name} service {s.state === 'failed' ? `has failed (${s.lastExit ?? 'crashed'}) and was not restarted after repeated crashes — restart Mechanica.` : `stopped (${s.lastExit ?? 'exited'}) and restarts by itself${s.restartInMs !== null ? ` in ${(s.restartInMs / 1000).toFixed(1)} s` : ''}.`}{' '}
          {s.name === 'engine' ? 'Runs can start again once it is ready.' : 'Regime classification waits for it.'}
        </span>
      ))}
    </div>
  )
}
