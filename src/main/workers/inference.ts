import * as ort from 'onnxruntime-node'
import type { InferenceStatus } from '../../shared/contract'
import { buildProbeModel } from '../inference/probe-model'
import { describeProviders, selectExecutionProvider } from '../inference/providers'
import { serveWorker } from './runtime'

// The inference service: owns onnxruntime sessions. The provider is chosen once, by running a
// probe model on each candidate (CUDA → WebGPU → CPU), and reported so the UI can say which answered.
let selection: Promise<InferenceStatus> | null = null

// Each provider that fails to load is reported in `attempts`; onnxruntime's own red log lines
// for the same failures would only alarm people reading the terminal.
ort.env.logLevel = 'fatal'

function selectOnce(): Promise<InferenceStatus> {
  selection ??= selectExecutionProvider(ort, buildProbeModel()).then(async ({ provider, session, attempts }) => {
    await session.release()
    return {
      runtimeVersion: ort.env.versions.common,
      provider,
      attempts: attempts.map((a) => (a.error ? { provider: a.provider, ok: a.ok, error: a.error } : { provider: a.provider, ok: a.ok })),
      summary: describeProviders(attempts)
    }
  })
  return selection
}

serveWorker({
  'inference.status': () => selectOnce()
})
