import { basename } from 'node:path'
import { ApiError, type LabRunSpec } from '../../../shared/contract'
import type { AgentCheckResult, AgentSettings, AgentSettingsView } from '../../../shared/contract/agent-settings'
import type { AgentOpenShape } from '../../../shared/contract/protocol'
import type { ProcessLauncher } from '../../services/process-port'
import { openAgentService } from '../process-provider'
import type { AgentProvider, ModelIdentity } from '../provider'
import { quantisationName } from '../providers/embedded'
import { checkGgufFile } from '../providers/gguf-file'
import { checkAgentTarget } from '../providers/open'
import type { AgentSettingsFile } from './settings-file'

/** What a run needs from the settings: where the model is and how the agent service opens it. */
export function agentTarget(settings: AgentSettings): AgentOpenShape | null {
  if (settings.provider === 'embedded') return { target: settings.modelPath }
  if (settings.provider === 'endpoint') {
    return { target: settings.endpointUrl, allowRemote: settings.allowRemote, ...(settings.endpointModel === '' ? {} : { model: settings.endpointModel }) }
  }
  return null
}

/** "tiny.gguf · F32", "qwen2.5 @ 127.0.0.1:8080 (remote)": how the status bar names a checked model. */
export function modelLabel(identity: ModelIdentity): string {
  if (identity.provider === 'endpoint') {
    const host = identity.endpoint ? new URL(identity.endpoint).host : 'endpoint'
    return `${identity.model} @ ${host}${identity.remoteAllowed ? ' (remote)' : ''}`
  }
  return identity.quantisation ? `${identity.model} · ${identity.quantisation}` : identity.model
}

/** The model the settings name, from the file's header only (no hashing, no weights): cheap enough for the status bar. */
export async function describeAgentModel(settings: AgentSettings): Promise<string | null> {
  if (settings.provider === 'none') return null
  if (settings.provider === 'endpoint') {
    let host = settings.endpointUrl
    try {
      host = new URL(settings.endpointUrl).host
    } catch {
      // shown as written; the check says what is wrong with it
    }
    return `${settings.endpointModel || 'first listed model'} @ ${host}${settings.allowRemote ? ' (remote allowed)' : ''}`
  }
  const name = basename(settings.modelPath)
  try {
    await checkGgufFile(settings.modelPath)
    const { readGgufFileInfo, GgufFileType } = await import('node-llama-cpp')
    const info = await readGgufFileInfo(settings.modelPath, { readTensorInfo: false, sourceType: 'filesystem', logWarnings: false })
    const quantisation = quantisationName(info.metadata.general?.file_type, GgufFileType as unknown as Record<number, string>)
    return quantisation ? `${name} · ${quantisation}` : name
  } catch {
    return `${name} (not usable: check it)`
  }
}

/** A run with the agent, ready to start: its spec with the switches, how to open the model, its bounds. */
export interface PreparedAgentRun {
  spec: LabRunSpec
  identity: ModelIdentity
  /** The run's bounds, over the lab's own. */
  bounds: { timeoutMs: number; maxRationaleChars: number; maxTokens?: number }
  /** Starts the agent service and loads the model (0 … 1 while the weights load). */
  open(onLoadProgress: (fraction: number) => void): Promise<AgentProvider>
}

export interface WorkstationAgentOptions {
  file: AgentSettingsFile
  /** Folder holding the built worker entry files (out/main/workers). */
  workersDir: string
  launch?: ProcessLauncher
}

/**
 * The workstation's side of the book's agent: the saved settings, the check a user asks for and
 * the one every run with the agent passes first, and the agent service each such run opens.
 */
export class WorkstationAgent {
  private label: Promise<string | null> | null = null

  constructor(private readonly options: WorkstationAgentOptions) {}

  async view(): Promise<AgentSettingsView> {
    const settings = this.options.file.read()
    this.label ??= describeAgentModel(settings)
    const { labAgents } = await import('../../labs/agents')
    return { settings, model: await this.label, labs: [...labAgents.keys()].sort() }
  }

  save(settings: AgentSettings): Promise<AgentSettingsView> {
    this.options.file.save(settings)
    this.label = null
    return this.view()
  }

  /** The model the settings name, checked without loading it; a failure is one line naming what is wrong. */
  async check(settings: AgentSettings): Promise<AgentCheckResult> {
    const target = agentTarget(settings)
    if (target === null) throw new ApiError('invalid_params', 'No agent model is configured: choose an embedded GGUF file or an endpoint.', [{ path: 'settings.provider', message: 'is none' }])
    try {
      const identity = await checkAgentTarget(target.target, { allowRemote: target.allowRemote ?? false, ...(target.model ? { endpoint: { model: target.model } } : {}) })
      return { identity, model: modelLabel(identity) }
    } catch (error) {
      const field = settings.provider === 'embedded' ? 'settings.modelPath' : 'settings.endpointUrl'
      const message = (error as Error).message.split('\n')[0]!
      throw new ApiError('invalid_params', message, [{ path: field, message }])
    }
  }

  /** Checks the saved settings' model for a run of `spec`; refuses a lab without the agent, no model, or a failing check. */
  async prepare(spec: LabRunSpec): Promise<PreparedAgentRun> {
    // The labs' code loads with the first run with the agent, not on the host's start path.
    const [{ labAgents }, { agentSpec }] = await Promise.all([import('../../labs/agents'), import('./agent-spec')])
    if (!labAgents.has(spec.lab)) {
      throw new ApiError('invalid_params', `${spec.lab} has no agent (the book's labs do: ${[...labAgents.keys()].join(', ')}); run it without the agent.`, [{ path: 'spec.lab', message: 'has no agent' }])
    }
    const settings = this.options.file.read()
    const target = agentTarget(settings)
    if (target === null) throw new ApiError('invalid_params', 'No agent model is configured — the rule baseline decides every step; choose a model in the agent settings first.')
    const { identity } = await this.check(settings).catch((error: ApiError) => {
      throw new ApiError('invalid_params', `The agent's model failed its check, so the run was not started: ${error.message}`)
    })
    const { target: where, ...open } = target
    return {
      spec: agentSpec(spec, settings),
      identity,
      bounds: { timeoutMs: settings.timeoutMs, maxRationaleChars: settings.maxRationaleChars },
      open: (onLoadProgress) => openAgentService(where, { ...open, workersDir: this.options.workersDir, launch: this.options.launch, onLoadProgress })
    }
  }
}
