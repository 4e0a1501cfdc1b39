import { TERRAIN_CSV_MAX_CHARS, type MethodInput, type MethodResult } from '../../shared/contract'
import { csvUploads } from './csv-uploads'
import type { EngineService } from '../services/service-host'

// `terrain.csv` and `terrain.csvBar`: a user's price file in the Terrain view. One message is at
// most 64 KiB, so the renderer sends the text in parts; main joins them in order (csv-uploads.ts;
// nothing is written anywhere) and hands the whole text to the engine process, which validates it, runs the
// terrain with progress (forwarded as `task.progress` "terrain.csv") and keeps the result for the
// scrubber's `terrain.csvBar` calls.

export function terrainCsvHandlers(engine: EngineService, emit: (payload: { task: string; done: number; total: number; label: string }) => void) {
  const uploads = csvUploads(TERRAIN_CSV_MAX_CHARS, "a file's terrain")

  async function csv(request: MethodInput<'terrain.csv'>): Promise<MethodResult<'terrain.csv'>> {
    const { name, window } = request
    const step = uploads.receive(request, { window })
    if (step.status === 'partial') return step
    const view = await engine.call('engine.terrainCsv', { name, text: step.text, window }, {
      on: { progress: ({ done, total }) => emit({ task: 'terrain.csv', done, total, label: `${name}: bar ${Math.min(done, total - 2)} of ${total - 2}` }) }
    })
    return { status: 'done', view }
  }

  return {
    'terrain.csv': csv,
    'terrain.csvBar': (request: MethodInput<'terrain.csvBar'>) => engine.call('engine.terrainCsvBar', request)
  }
}
