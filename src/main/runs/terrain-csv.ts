import { ApiError, TERRAIN_CSV_MAX_CHARS, type MethodInput, type MethodResult } from '../../shared/contract'
import type { EngineService } from '../services/service-host'

// `terrain.csv` and `terrain.csvBar`: a user's price file in the Terrain view. One message is at
// most 64 KiB, so the renderer sends the text in parts; main joins them in order (nothing is
// written anywhere) and hands the whole text to the engine process, which validates it, runs the
// terrain with progress (forwarded as `task.progress` "terrain.csv") and keeps the result for the
// scrubber's `terrain.csvBar` calls.

/** Uploads joined at once; a new one beyond this drops the oldest (a tab closed mid-upload leaves one behind). */
const OPEN_UPLOADS = 4

interface Upload {
  name: string
  parts: number
  window: number
  text: string[]
  chars: number
}

export function terrainCsvHandlers(engine: EngineService, emit: (payload: { task: string; done: number; total: number; label: string }) => void) {
  const uploads = new Map<string, Upload>()

  async function csv(request: MethodInput<'terrain.csv'>): Promise<MethodResult<'terrain.csv'>> {
    const { upload: id, part, parts, name, text, window } = request
    let upload = uploads.get(id)
    if (part === 0) {
      upload = { name, parts, window, text: [], chars: 0 }
      uploads.delete(id)
      uploads.set(id, upload)
      while (uploads.size > OPEN_UPLOADS) uploads.delete(uploads.keys().next().value!)
    } else if (!upload) {
      throw new ApiError('invalid_params', `upload ${id} has no part 0 here (it finished, was dropped for newer uploads, or never began): send the file again from part 0`, [{ path: 'part', message: 'no upload begun' }])
    } else if (part !== upload.text.length || parts !== upload.parts || name !== upload.name || window !== upload.window) {
      uploads.delete(id)
      throw new ApiError('invalid_params', `upload ${id}: part ${part} of ${parts} does not follow part ${upload.text.length - 1} of ${upload.parts} (${upload.name}): send the file again from part 0`, [{ path: 'part', message: `expected ${upload.text.length}` }])
    }
    upload.chars += text.length
    if (upload.chars > TERRAIN_CSV_MAX_CHARS) {
      uploads.delete(id)
      throw new ApiError('payload_too_large', `${name} is longer than ${TERRAIN_CSV_MAX_CHARS.toLocaleString('en-US')} characters, the most a file's terrain reads`)
    }
    upload.text.push(text)
    if (upload.text.length < parts) return { status: 'partial', received: upload.text.length, parts }
    uploads.delete(id)
    const view = await engine.call('engine.terrainCsv', { name, text: upload.text.join(''), window }, {
      on: { progress: ({ done, total }) => emit({ task: 'terrain.csv', done, total, label: `${name}: bar ${Math.min(done, total - 2)} of ${total - 2}` }) }
    })
    return { status: 'done', view }
  }

  return {
    'terrain.csv': csv,
    'terrain.csvBar': (request: MethodInput<'terrain.csvBar'>) => engine.call('engine.terrainCsvBar', request)
  }
}
