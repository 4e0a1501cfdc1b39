import { ApiError } from '../../shared/contract'

// A user's file arrives in parts (one router message is at most 64 KiB; the fields are
// csvUploadFields in src/shared/contract/csv-upload.ts). This joins them in order in memory —
// nothing is written anywhere — for every method that reads a file: `terrain.csv` and
// `regime.compareCsv`. A part out of order, or one whose settings differ from its part 0's, drops
// the upload and asks for the file again; a file over the method's limit is refused.

/** Uploads joined at once per method; a new one beyond this drops the oldest (a tab closed mid-upload leaves one behind). */
const OPEN_UPLOADS = 4

export interface CsvUploadPart {
  upload: string
  part: number
  parts: number
  name: string
  text: string
}

interface Upload {
  name: string
  parts: number
  /** The method's other fields (e.g. the terrain's window), fixed by part 0. */
  settings: string
  text: string[]
  chars: number
}

export type CsvUploadStep = { status: 'partial'; received: number; parts: number } | { status: 'complete'; text: string }

/**
 * A joiner for one method: `receive` keeps a part and answers `partial`, or the whole text once
 * the last part came. `limit` names what the method reads, for the too-large message.
 */
export function csvUploads(maxChars: number, limit: string) {
  const uploads = new Map<string, Upload>()
  return {
    receive(request: CsvUploadPart, settings: unknown = null): CsvUploadStep {
      const { upload: id, part, parts, name, text } = request
      const fixed = JSON.stringify(settings)
      let upload = uploads.get(id)
      if (part === 0) {
        upload = { name, parts, settings: fixed, text: [], chars: 0 }
        uploads.delete(id)
        uploads.set(id, upload)
        while (uploads.size > OPEN_UPLOADS) uploads.delete(uploads.keys().next().value!)
      } else if (!upload) {
        throw new ApiError('invalid_params', `upload ${id} has no part 0 here (it finished, was dropped for newer uploads, or never began): send the file again from part 0`, [{ path: 'part', message: 'no upload begun' }])
      } else if (part !== upload.text.length || parts !== upload.parts || name !== upload.name || fixed !== upload.settings) {
        uploads.delete(id)
        throw new ApiError('invalid_params', `upload ${id}: part ${part} of ${parts} does not follow part ${upload.text.length - 1} of ${upload.parts} (${upload.name}): send the file again from part 0`, [{ path: 'part', message: `expected ${upload.text.length}` }])
      }
      upload.chars += text.length
      if (upload.chars > maxChars) {
        uploads.delete(id)
        throw new ApiError('payload_too_large', `${name} is longer than ${maxChars.toLocaleString('en-US')} characters, the most ${limit} reads`)
      }
      upload.text.push(text)
      if (upload.text.length < parts) return { status: 'partial', received: upload.text.length, parts }
      uploads.delete(id)
      return { status: 'complete', text: upload.text.join('') }
    }
  }
}
