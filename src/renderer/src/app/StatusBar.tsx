import type { ServiceStatus } from '../../../shared/contract'
import type { WorkstationState } from './state'

function serviceText(service: ServiceStatus | undefined): string {
  if (!service) return '…'
  if (service.state === 'restarting') return `restarting (${service.lastExit ?? 'stopped'})`
  if (service.state === 'failed') return `failed (${service.lastExit ?? 'crashed'})`
  return service.state
}

const dotClass = (ok: boolean | null): string => (ok === null ? 'dot' : ok ? 'dot ok' : 'dot bad')

export function StatusBar({ state }: { state: WorkstationState }) {
  const engine = state.services.engine
  const inference = state.services.inference
  const running = state.order.filter((id) => state.runs[id]?.status === 'running').length
  return (
    <footer className="statusbar" aria-label="Status">
      <span data-testid="connection-status">
        <i className={dotClass(state.connection === 'open')} />
        {state.connection === 'open' ? (state.info?.host === 'electron' ? 'electron' : 'browser host') : state.connection}
      </span>
      <span data-testid="engine-status">
        <i className={dotClass(engine ? engine.state === 'ready' : null)} />
        engine: {serviceText(engine)}
      </span>
      <span data-testid="inference-status" title={state.inference?.summary ?? state.inferenceError ?? ''}>
        <i className={dotClass(inference ? inference.state === 'ready' : null)} />
        inference: {state.inference ? `${state.inference.provider.toUpperCase()} (onnxruntime ${state.inference.runtimeVersion})` : (state.inferenceError ?? serviceText(inference))}
      </span>
      <span>{running > 0 ? `${running} running` : 'idle'}</span>
      <span className="spacer" />
      {state.info && (
        <>
          <span className="mono" title="Database file">
            {state.info.databasePath}
          </span>
          <span className="mono">v{state.info.codeVersion}</span>
        </>
      )}
    </footer>
  )
}
