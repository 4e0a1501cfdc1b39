import { REGIME_CSV_MAX_CHARS, type MethodInput, type MethodResult } from '../../shared/contract'
import type { InferenceService } from '../services/service-host'
import { csvUploads } from './csv-uploads'

// `regime.compareCsv`: a user's close file in the Regime view. The parts are joined here
// (csv-uploads.ts, nothing written anywhere) and the text goes to the inference process, which
// validates it with the CLI's validator and compares the five classifiers on it as
// `regime --csv FILE --compare` does, with progress forwarded as `task.progress`.

const STEPS = ['the state-space model', 'rv threshold', 'HMM', 'BOCPD', 'Markov switching']

export function regimeCsvHandlers(inference: InferenceService, emit: (payload: { task: string; done: number; total: number; label: string }) => void) {
  const uploads = csvUploads(REGIME_CSV_MAX_CHARS, 'the regime comparison')

  async function compareCsv(request: MethodInput<'regime.compareCsv'>): Promise<MethodResult<'regime.compareCsv'>> {
    const step = uploads.receive(request)
    if (step.status === 'partial') return step
    const { name } = request
    emit({ task: 'regime.compareCsv', done: 0, total: STEPS.length + 1, label: `${name}: ${STEPS[0]}` })
    const comparison = await inference.call('inference.compareCsv', { name, text: step.text }, {
      on: { progress: ({ done, total }) => emit({ task: 'regime.compareCsv', done, total, label: done < total ? `${name}: ${STEPS[done - 1] ?? 'classifier'} done` : `${name}: done` }) }
    })
    return { status: 'done', comparison }
  }

  return { 'regime.compareCsv': compareCsv }
}
