import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { AgentCheckResult, AgentSettings } from '../../../../shared/contract'
// The zod-free error module: the shell loads this dialog, and the contract's index would put zod in the entry.
import { ApiError, type FieldIssue } from '../../../../shared/contract/api-error'
import { useClient } from '../../app/ClientContext'
import { agentStore } from './agent-store'
import './agent.css'

/** The form's text: numbers stay as typed until they are sent, so a half-typed value is never rounded away. */
type Draft = { [K in keyof AgentSettings]: AgentSettings[K] extends number ? string : AgentSettings[K] }

/** The numeric settings, in the form's order. */
const NUMBER_FIELDS = [
  { key: 'temperature', label: 'Temperature', hint: "0 … 2; 0 with the run's seed repeats the same replies.", decimal: true },
  { key: 'decisionEvery', label: 'Decide every', hint: 'Steps between questions; the last action is held between (decision_every).', decimal: false },
  { key: 'timeoutMs', label: 'Timeout (ms)', hint: 'A slower answer falls back for that step, with the reason logged.', decimal: false },
  { key: 'maxRationaleChars', label: 'Max rationale chars', hint: "A longer rationale is rejected; it also sets the reply's token budget.", decimal: false }
] as const

function draftOf(settings: AgentSettings): Draft {
  const draft: Record<string, unknown> = { ...settings }
  for (const { key } of NUMBER_FIELDS) draft[key] = String(settings[key])
  return draft as Draft
}

/** The draft as the contract reads it; a number field that is not a number goes as text, so the router names it. */
function settingsOf(draft: Draft): AgentSettings {
  const out: Record<string, unknown> = { ...draft }
  for (const { key } of NUMBER_FIELDS) {
    const text = draft[key].trim()
    out[key] = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text
  }
  return out as AgentSettings
}

function describeIdentity({ identity, model }: AgentCheckResult): string {
  if (identity.provider === 'endpoint') return `${model} — endpoint answers, context ${identity.contextSize || 'not reported'}`
  const mib = ((identity.sizeBytes ?? 0) / 2 ** 20).toFixed(1)
  return `${model} — GGUF, ${mib} MiB, context ${identity.contextSize}, sha256 ${identity.sha256?.slice(0, 12) ?? '?'}…`
}

function Field({ label, hint, issue, children }: { label: string; hint: string; issue?: string; children: ReactNode }) {
  return (
    <label className={issue ? 'agent-field invalid' : 'agent-field'}>
      <span className="agent-label">{label}</span>
      {children}
      <span className="agent-hint" role={issue ? 'alert' : undefined}>
        {issue ?? hint}
      </span>
    </label>
  )
}

/**
 * The agent settings: which model answers the book's agent and how it is asked. "Check model"
 * looks at the model without loading it; Save keeps the settings beside the database. Every run
 * started with the agent checks the saved model again first.
 */
export function AgentSettingsDialog({ initial }: { initial: AgentSettings }) {
  const client = useClient()
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial))
  const [issues, setIssues] = useState<Record<string, string>>({})
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState<'check' | 'save' | null>(null)
  const first = useRef<HTMLSelectElement>(null)
  useEffect(() => first.current?.focus(), [])

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setDraft((d) => ({ ...d, [key]: value }))
    setResult(null)
    setIssues((i) => {
      const { [key]: _dropped, ...rest } = i
      return rest
    })
  }

  const refused = (error: unknown): void => {
    const fieldIssues = error instanceof ApiError ? (error.issues ?? []) : []
    const placed: Record<string, string> = {}
    for (const issue of fieldIssues as FieldIssue[]) placed[issue.path.replace(/^settings\./, '')] = issue.message
    setIssues(placed)
    setResult({ ok: false, text: (error as Error).message })
  }

  async function check(): Promise<void> {
    setBusy('check')
    setResult(null)
    try {
      setResult({ ok: true, text: describeIdentity(await client.call('agent.check', { settings: settingsOf(draft) })) })
    } catch (error) {
      refused(error)
    } finally {
      setBusy(null)
    }
  }

  async function save(): Promise<void> {
    setBusy('save')
    try {
      const view = await client.call('agent.saveSettings', { settings: settingsOf(draft) })
      agentStore.setView(view)
      agentStore.closeDialog()
    } catch (error) {
      refused(error)
    } finally {
      setBusy(null)
    }
  }

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      agentStore.closeDialog()
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      event.stopPropagation()
      void save()
    } else if (event.key === 'Enter' && event.altKey) {
      event.preventDefault()
      event.stopPropagation()
      void check()
    }
  }

  const provider = draft.provider
  return (
    <div className="overlay" onMouseDown={() => agentStore.closeDialog()}>
      <div className="agent-dialog" role="dialog" aria-label="Agent settings" onMouseDown={(e) => e.stopPropagation()} onKeyDown={onKeyDown}>
        <header className="panel-title">
          <span>Agent settings</span>
          <span className="muted">the book's agent: a local model as a bounded selector</span>
        </header>
        <div className="agent-grid">
          <Field label="Provider" hint={provider === 'none' ? 'No model: the rule baseline decides every step.' : provider === 'embedded' ? 'A GGUF model file, run on this machine (node-llama-cpp).' : 'An OpenAI-compatible chat-completions server.'}>
            <select ref={first} name="provider" value={provider} onChange={(e) => set('provider', e.target.value as Draft['provider'])}>
              <option value="none">none — rule baseline</option>
              <option value="embedded">embedded GGUF file</option>
              <option value="endpoint">OpenAI-compatible endpoint</option>
            </select>
          </Field>
          {provider === 'embedded' && (
            <Field label="Model file" hint="Absolute path of a .gguf file on the workstation's machine." issue={issues.modelPath}>
              <input name="modelPath" className="wide" spellCheck={false} placeholder="/models/qwen2.5-1.5b-instruct-q4_k_m.gguf" value={draft.modelPath} onChange={(e) => set('modelPath', e.target.value)} />
            </Field>
          )}
          {provider === 'endpoint' && (
            <>
              <Field label="Endpoint URL" hint="Base URL ending in /v1 (llama.cpp server, Ollama, LM Studio, vLLM)." issue={issues.endpointUrl}>
                <input name="endpointUrl" className="wide" spellCheck={false} value={draft.endpointUrl} onChange={(e) => set('endpointUrl', e.target.value)} />
              </Field>
              <Field label="Model name" hint="Empty: the first model the endpoint lists." issue={issues.endpointModel}>
                <input name="endpointModel" spellCheck={false} value={draft.endpointModel} onChange={(e) => set('endpointModel', e.target.value)} />
              </Field>
              <Field label="Allow remote host" hint="Off: only this machine (loopback). On: the run's provenance records the remote host." issue={issues.allowRemote}>
                <input name="allowRemote" type="checkbox" checked={draft.allowRemote} onChange={(e) => set('allowRemote', e.target.checked)} />
              </Field>
            </>
          )}
          {NUMBER_FIELDS.map(({ key, label, hint, decimal }) => (
            <Field key={key} label={label} hint={hint} issue={issues[key]}>
              <input name={key} className="num" inputMode={decimal ? 'decimal' : 'numeric'} value={draft[key]} onChange={(e) => set(key, e.target.value)} />
            </Field>
          ))}
          <Field label="Fall back to baseline" hint="On a rejected reply: the rule baseline's action (on) or flat, logged as OVERRIDE (off)." issue={issues.fallbackToBaseline}>
            <input name="fallbackToBaseline" type="checkbox" checked={draft.fallbackToBaseline} onChange={(e) => set('fallbackToBaseline', e.target.checked)} />
          </Field>
        </div>
        <p className={result === null ? 'agent-result muted' : result.ok ? 'agent-result ok' : 'agent-result bad'} data-testid="agent-check-result" role="status">
          {busy === 'check' ? 'Checking the model…' : (result?.text ?? 'Check looks at the model without loading it: the file exists and is GGUF, or the endpoint answers.')}
        </p>
        <footer className="agent-actions">
          <button type="button" onClick={() => void check()} disabled={busy !== null || provider === 'none'} title="Check the model without loading it (Alt+Enter)">
            Check model <kbd>Alt ↵</kbd>
          </button>
          <span className="spacer" />
          <button type="button" onClick={() => agentStore.closeDialog()}>
            Cancel <kbd>Esc</kbd>
          </button>
          <button type="button" className="primary" onClick={() => void save()} disabled={busy !== null} title="Save the settings (Ctrl+Enter)">
            Save <kbd>Ctrl ↵</kbd>
          </button>
        </footer>
      </div>
    </div>
  )
}
