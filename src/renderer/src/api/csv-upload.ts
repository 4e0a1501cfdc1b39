import { CSV_PART_CHARS, csvParts } from '../../../shared/contract'

// Sends a user's file to main in parts under one fresh upload id (src/shared/contract/csv-upload.ts
// says why): the Terrain view's `terrain.csv` and the Regime view's `regime.compareCsv` both read
// files this way. Main joins the parts and answers the last one with the method's result.

function uploadId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Sends `text` part by part through `send`; `onPart` hears each part before it goes. Answers the last part's answer. */
export async function sendInParts<A>(text: string, send: (part: { upload: string; part: number; parts: number; text: string }) => Promise<A>, onPart?: (part: number, parts: number) => void): Promise<A> {
  const parts = csvParts(text, CSV_PART_CHARS)
  const upload = uploadId()
  let answer: A | undefined
  for (let part = 0; part < parts.length; part++) {
    onPart?.(part, parts.length)
    answer = await send({ upload, part, parts: parts.length, text: parts[part]! })
  }
  return answer!
}
