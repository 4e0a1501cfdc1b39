import { useCallback, useEffect, useReducer, useState } from 'react'
import { useClient } from './ClientContext'
import { initialState, reducer } from './state'
import { StatusBar } from './StatusBar'
import { VIEWS } from './views'
import { useWorkspace } from './workspace'

export function App() {
  const client = useClient()
  const [state, dispatch] = useReducer(reducer, initialState)
  const [notice, setNotice] = useState<string | null>(null)
  const notify = useCallback((message: string) => setNotice(message), [])
  const workspace = useWorkspace()
  const current = VIEWS.find((v) => v.id === workspace.view) ?? VIEWS[0]!

  useEffect(() => {
    const offs = [
      client.onConnection((connection) => dispatch({ type: 'connection', state: connection })),
      client.on('run.updated', ({ run }) => dispatch({ type: 'runUpdated', run })),
      client.on('run.progress', (frame) => dispatch({ type: 'progress', frame })),
      client.on('service.status', (service) => dispatch({ type: 'services', services: [service] }))
    ]
    return () => offs.forEach((off) => off())
  }, [client])

  // (Re)load everything whenever the connection opens: after a reconnect the list may have moved on.
  useEffect(() => {
    if (state.connection !== 'open') return
    client.call('app.info', {}).then((info) => dispatch({ type: 'info', info }), (e: Error) => notify(e.message))
    client.call('services.status', {}).then(({ services }) => dispatch({ type: 'services', services }), (e: Error) => notify(e.message))
    client.call('labs.list', {}).then(({ labs }) => dispatch({ type: 'labs', labs }), (e: Error) => notify(e.message))
    client.call('runs.list', { limit: 200 }).then(({ runs, total }) => dispatch({ type: 'runsLoaded', runs, total }), (e: Error) => notify(e.message))
    client.call('inference.status', {}).then(
      (status) => dispatch({ type: 'inference', status, error: null }),
      (e: Error) => dispatch({ type: 'inference', status: null, error: e.message })
    )
  }, [client, state.connection, notify])

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">MECHANICA</span>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v.id} className={v === current ? 'active' : undefined} aria-current={v === current ? 'page' : undefined} onClick={() => workspace.navigate(v.id)}>
              {v.title}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        {state.info && <span className="muted">{state.info.runtime}</span>}
      </header>
      {notice && (
        <div className="notice" role="alert">
          <span>{notice}</span>
          <button type="button" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {current.render({ state, dispatch, notify })}
      <StatusBar state={state} />
    </div>
  )
}
