import type { ServiceStatus } from '../../../shared/contract'
import { formatCompact, formatDuration } from '../format/numbers'
import type { WorkstationState } from './state'
import { useWorkspace } from './workspace'
import { AgentStatus } from '../views/agent/AgentHost'

function serviceText(service: ServiceStatus | undefined): string {
  if (!service) return '…'
  if (service.state === 'restarting') return `restarting${service.restartInMs !== null ? ` in ${(service.restartInMs / 1000).toFixed(1)} s` : ''} (${service.lastExit ?? 'stopped'})`
  if (service.state === 'failed') return `failed (${service.lastExit ?? 'crashed'})`
  if (notStartedYet(service)) return 'starts on first use'
  return service.restarts > 0 ? `${service.state} (${service.restarts} restart${service.restarts === 1 ? '' : 's'})` : service.state
}

/** A service that starts on its first call (inference) and has not been called yet. */
const notStartedYet = (service: ServiceStatus): boolean => service.state === 'stopped' && service.pid === null && service.lastExit === null

const dotClass = (ok: boolean | null): string => (ok === null ? 'dot' : ok ? 'dot ok' : 'dot bad')

/** Green when ready, red when down; neutral while it starts or waits for its first call (nothing is wrong yet). */
const serviceDot = (service: ServiceStatus | undefined): string =>
  dotClass(!service || service.state === 'starting' || notStartedYet(service) ? null : service.state === 'ready')

/** Shell health at a glance: link, services, execution provider, running jobs, database file. */
export function StatusBar({ state }: { state: WorkstationState }) {
  const workspace = useWorkspace()
  const engine = state.services.engine
  const inference = state.services.inference
  const running = state.order.filter((id) => state.runs[id]?.status === 'running')
  return (
    <footer className="statusbar" aria-label="Status">
      <span data-testid="connection-status">
        <i className={dotClass(state.connection === 'open')} />
        {state.connection === 'open' ? (state.info?.host === 'electron' ? 'electron' : 'browser host') : state.connection}
      </span>
      <span data-testid="engine-status" title={engine?.pid ? `pid ${engine.pid}` : undefined}>
        <i className={serviceDot(engine)} />
        engine: {serviceText(engine)}
      </span>
      <span data-testid="inference-status" title={state.inference?.summary ?? state.inferenceError ?? ''}>
        <i className={serviceDot(inference)} />
        inference: {state.inference ? `${state.inference.provider.toUpperCase()} (onnxruntime ${state.inference.runtimeVersion})` : (state.inferenceError ?? serviceText(inference))}
      </span>
      <AgentStatus />
      <span className="jobs" data-testid="running-jobs">
        {running.length === 0
          ? 'idle'
          : running.map((id) => {
              const run = state.runs[id]!
              const frame = state.progress[id]
              const done = frame?.done ?? run.progressDone
              const total = frame?.total ?? run.progressTotal
              const fraction = total > 0 ? done / total : 0
              return (
                <button
                  type="button"
                  key={id}
                  className="job"
                  data-run-id={id}
                  title={`Run #${id}: ${(fraction * 100).toFixed(1)}%${frame ? ` · ${formatCompact(frame.stepsPerSecond)} steps/s · ETA ${formatDuration(frame.etaSeconds)}` : ''}`}
                  onClick={() => {
                    workspace.selectRun(id)
                    workspace.navigate('runs')
                  }}
                >
                  #{id} {run.spec.task === 'lab' ? run.spec.lab : run.task}
                  <span className="job-track">
                    <span className="job-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
                  </span>
                </button>
              )
            })}
      </span>
      <span className="spacer" />
      {state.info && (
        <>
          <span className="mono db-path" title={`Database file: ${state.info.databasePath}`} data-testid="database-path">
            {/* The marks keep the path's slashes in place inside the right-to-left box that trims it from the left. */}
            {`\u200e${state.info.databasePath}\u200e`}
          </span>
          <span className="mono">v{state.info.codeVersion}</span>
        </>
      )}
    </footer>
  )
}
