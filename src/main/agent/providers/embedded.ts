import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type { Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp'
import { replySchema, type AgentProvider, type AgentReply, type AgentRequest, type ModelIdentity } from '../provider'
import { checkGgufFile, sha256File } from './gguf-file'

/**
 * The embedded provider: node-llama-cpp running a GGUF file the user chose, in this process.
 * Generation is constrained by the reply's JSON schema (the allowed actions as an enum, the
 * rationale's maxLength) so a reply parses by construction; temperature and seed go to the
 * sampler, so temperature 0, or any temperature with the same seed, repeats on one machine.
 */
export interface EmbeddedOptions {
  /** Tokens of context; default 2048, never more than the model was trained for. */
  contextSize?: number
  /** CPU threads; default half the cores. ggml's threads spin while they wait, so more than the
   * free cores makes every token slower, not faster. */
  threads?: number
  /** 'auto' tries node-llama-cpp's CUDA/Vulkan/Metal builds before the CPU one; false is CPU only. */
  gpu?: 'auto' | false
  /** 0 … 1 while the weights load. */
  onLoadProgress?: (fraction: number) => void
  signal?: AbortSignal
}

/** One generation against a JSON schema: what the embedded provider and the test chat server share. */
export interface SchemaGeneration {
  system: string
  user: string
  schema: Record<string, unknown>
  temperature: number
  seed: number
  maxTokens: number
  signal?: AbortSignal
}

export interface EmbeddedProvider extends AgentProvider {
  generate(request: SchemaGeneration): Promise<Omit<AgentReply, 'latencyMs'>>
}

export const DEFAULT_CONTEXT = 2048

// One runtime per GPU choice for the process: getLlama loads the native binding, which is slow
// and meant to be shared. It is never disposed; models and contexts are.
const runtimes = new Map<string, Promise<Llama>>()

function runtime(gpu: 'auto' | false): Promise<Llama> {
  const key = String(gpu)
  let llama = runtimes.get(key)
  if (!llama) {
    llama = import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) =>
      // build: 'never' — a missing prebuilt binary is an error to report, not a compiler run.
      getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error })
    )
    runtimes.set(key, llama)
  }
  return llama
}

/** "MOSTLY_Q4_K_M" → "Q4_K_M", "ALL_F32" → "F32": the words model cards use. */
export function quantisationName(fileType: unknown, names: Record<number, string>): string | undefined {
  if (typeof fileType !== 'number') return undefined
  return names[fileType]?.replace(/^(MOSTLY|ALL)_/, '')
}

/** Loads the model and its context; the returned provider answers one question at a time. */
export async function openEmbeddedProvider(modelPath: string, options: EmbeddedOptions = {}): Promise<EmbeddedProvider> {
  const { sizeBytes } = await checkGgufFile(modelPath)
  const [sha256, llama, lib] = await Promise.all([sha256File(modelPath), runtime(options.gpu ?? 'auto'), import('node-llama-cpp')])
  const model: LlamaModel = await llama.loadModel({
    modelPath,
    onLoadProgress: options.onLoadProgress,
    loadSignal: options.signal
  })
  let context: LlamaContext
  try {
    const trained = model.trainContextSize
    context = await model.createContext({
      contextSize: Math.min(options.contextSize ?? DEFAULT_CONTEXT, trained),
      sequences: 1,
      threads: options.threads ?? Math.max(1, Math.floor(availableParallelism() / 2)),
      createSignal: options.signal
    })
  } catch (error) {
    await model.dispose()
    throw error
  }
  const sequence: LlamaContextSequence = context.getSequence()
  const identity: ModelIdentity = {
    provider: 'embedded',
    model: basename(modelPath),
    sha256,
    sizeBytes,
    quantisation: quantisationName(model.fileInfo.metadata.general?.file_type, lib.GgufFileType as unknown as Record<number, string>),
    contextSize: context.contextSize,
    backend: llama.gpu === false ? 'cpu' : llama.gpu
  }

  // Grammars are compiled once per schema: a lab asks the same shape every step.
  const grammars = new Map<string, Promise<LlamaGrammar>>()
  const grammarFor = (schema: Record<string, unknown>): Promise<LlamaGrammar> => {
    const key = JSON.stringify(schema)
    let grammar = grammars.get(key)
    if (!grammar) {
      grammar = llama.createGrammarForJsonSchema(schema as never)
      grammars.set(key, grammar)
    }
    return grammar
  }

  // One sequence, so one question at a time; later ones wait their turn.
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false

  const generate = (request: SchemaGeneration): Promise<Omit<AgentReply, 'latencyMs'>> => {
    const turn = queue.then(async () => {
      if (closed) throw new Error('the embedded agent model was closed')
      request.signal?.throwIfAborted()
      const grammar = await grammarFor(request.schema)
      await sequence.clearHistory()
      const session = new lib.LlamaChatSession({ contextSequence: sequence, systemPrompt: request.system, autoDisposeSequence: false })
      const before = sequence.tokenMeter.getState()
      try {
        const raw = await session.prompt(request.user, {
          grammar,
          temperature: request.temperature,
          seed: request.seed,
          maxTokens: request.maxTokens,
          signal: request.signal
        })
        const after = sequence.tokenMeter.getState()
        return {
          raw,
          promptTokens: after.usedInputTokens - before.usedInputTokens,
          completionTokens: after.usedOutputTokens - before.usedOutputTokens
        }
      } finally {
        session.dispose({ disposeSequence: false })
      }
    })
    queue = turn.catch(() => undefined)
    return turn
  }

  return {
    identity,
    generate,
    async complete(request: AgentRequest, signal?: AbortSignal): Promise<AgentReply> {
      const started = performance.now()
      const timeout = AbortSignal.timeout(request.timeoutMs)
      try {
        const reply = await generate({
          system: request.system,
          user: request.user,
          schema: replySchema(request.actions, request.maxRationaleChars),
          temperature: request.temperature,
          seed: request.seed,
          maxTokens: request.maxTokens,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout
        })
        return { ...reply, latencyMs: performance.now() - started }
      } catch (error) {
        if (timeout.aborted) throw new Error(`the embedded model did not answer within ${request.timeoutMs} ms`)
        if (signal?.aborted) throw new Error('the agent request was cancelled')
        throw error
      }
    },
    async close(): Promise<void> {
      closed = true
      await queue
      await context.dispose()
      await model.dispose()
    }
  }
}
