import * as ort from 'onnxruntime-node'
import { buildProbeModel } from '../inference/probe-model'
import { selectExecutionProvider } from '../inference/providers'
import type { ProbeOutcome } from '../inference/quiet-probe'

// The execution-provider probe on its own, for the CLI (src/main/inference/quiet-probe.ts):
// native libraries write straight to this process's stderr (Dawn's "Couldn't load Vulkan"
// when WebGPU has no adapter), so the CLI runs the probe here with stderr captured and reads
// the outcome, one JSON line, from stdout.
ort.env.logLevel = 'fatal'

async function probe(): Promise<ProbeOutcome> {
  try {
    const { provider, session, attempts } = await selectExecutionProvider(ort, buildProbeModel())
    await session.release()
    return { provider, attempts }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

void probe().then((outcome) => {
  process.stdout.write(`${JSON.stringify(outcome)}\n`)
  // Exit at once: a provider that timed out may still hold a native thread.
  process.exit(0)
})
