import { useEffect } from 'react'
import { useClient } from '../../app/ClientContext'
import { useCommands } from '../../app/workspace'
import { agentStore, useAgentState } from './agent-store'
import { AgentSettingsDialog } from './AgentSettingsDialog'

/** Said wherever a run would use the agent but no model is configured. */
export const NO_MODEL_TEXT = 'No agent model configured — the rule baseline decides every step'

/**
 * The agent's part of the shell, mounted once: loads the saved settings whenever the link opens,
 * follows the model's load progress, offers "Agent settings" (Alt+A, palette) and shows the dialog.
 */
export function AgentHost({ connected }: { connected: boolean }) {
  const client = useClient()
  const agent = useAgentState()

  useEffect(() => {
    if (!connected) return
    client.call('agent.settings', {}).then(agentStore.setView, (e: Error) => agentStore.setError(e.message))
  }, [client, connected])

  useEffect(
    () =>
      client.on('task.progress', (frame) => {
        if (frame.task === 'agent.load') agentStore.loadProgress(frame)
      }),
    [client]
  )

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyA') {
        event.preventDefault()
        agentStore.openDialog()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  useCommands([{ id: 'agent.settings', title: 'Agent settings (model, cadence, timeout)', group: 'Agent', shortcut: 'Alt+A', run: agentStore.openDialog }])

  return agent.dialogOpen && agent.view ? <AgentSettingsDialog initial={agent.view.settings} /> : null
}

/** The status bar's agent: the model's name (file and quantisation, or endpoint model), its load progress, or "rule baseline". */
export function AgentStatus() {
  const agent = useAgentState()
  const model = agent.view?.model ?? null
  const text = agent.load ? `loading ${agent.load.label.replace(/^Run #\d+: loading /, '')} ${Math.round((100 * agent.load.done) / Math.max(1, agent.load.total))}%` : agent.error ? 'settings unavailable' : agent.view === null ? '…' : (model ?? 'rule baseline')
  return (
    <button type="button" className="agent-status" data-testid="agent-status" onClick={agentStore.openDialog} title={agent.error ?? (model ? `The book's agent: ${model}. Alt+A: agent settings` : `${NO_MODEL_TEXT}. Alt+A: agent settings`)}>
      <i className={agent.load ? 'dot' : model ? 'dot ok' : 'dot'} />
      agent: {text}
    </button>
  )
}

/** The run panel's line: the model a run of this lab uses (with a switch), or why the baseline decides. */
export function AgentRunLine({ labId }: { labId: string }) {
  const agent = useAgentState()
  const view = agent.view
  if (view === null) return null
  if (!view.labs.includes(labId)) return <p className="agent-run-line muted">This lab has no agent in the book: the rule baseline decides every step.</p>
  if (view.model === null) {
    return (
      <p className="agent-run-line muted" data-testid="agent-run-line">
        {NO_MODEL_TEXT}.
        <button type="button" className="link" onClick={agentStore.openDialog}>
          Configure a model (Alt+A)
        </button>
      </p>
    )
  }
  return (
    <label className="agent-run-line" data-testid="agent-run-line">
      <input type="checkbox" name="withAgent" checked={agent.useInRuns} onChange={(e) => agentStore.setUseInRuns(e.target.checked)} />
      <span>
        Run with the agent: <span className="mono">{view.model}</span>
        <span className="muted"> · every {view.settings.decisionEvery} steps, temperature {view.settings.temperature}; the model is checked before the run starts</span>
      </span>
    </label>
  )
}
