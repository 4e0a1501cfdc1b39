import { z } from 'zod'

// A user's file sent to main in parts (one router message is at most 64 KiB): the renderer cuts
// the text at line ends into parts of at most CSV_PART_CHARS UTF-8 bytes (csvParts), sends them
// under one upload id, and main joins them in order (src/main/runs/csv-uploads.ts). The Terrain
// view's `terrain.csv` and the Regime view's `regime.compareCsv` share these fields.

/** Characters of one part (≤ 30,000 bytes once the renderer cut it; JSON escaping at most doubles it). */
export const CSV_PART_CHARS = 30_000

/** The fields of one part of an upload, for a method that reads at most `maxChars` characters of a file. */
export function csvUploadFields(maxChars: number) {
  const maxParts = Math.ceil(maxChars / CSV_PART_CHARS)
  return {
    /** The client's name for this upload: parts with one upload id are joined in part order. */
    upload: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 letters, digits, _ or -' }),
    part: z.int().min(0, { error: 'must be ≥ 0' }),
    parts: z.int().min(1, { error: 'must be ≥ 1' }).max(maxParts, { error: `must be ≤ ${maxParts} (a file of at most ${maxChars.toLocaleString('en-US')} characters)` }),
    /** The file's name, for messages. */
    name: z.string().min(1).max(200),
    text: z.string().max(CSV_PART_CHARS, { error: `must be ≤ ${CSV_PART_CHARS} characters a part` })
  }
}

/** A part was kept; send the next. */
export const CsvUploadPartial = z.strictObject({ status: z.literal('partial'), received: z.int(), parts: z.int() })
export type CsvUploadPartial = z.infer<typeof CsvUploadPartial>

/**
 * A file's text cut into parts of at most `maxBytes` UTF-8 bytes each, at line ends where a line
 * fits, never inside a character. Joined, the parts are the text.
 */
export function csvParts(text: string, maxBytes: number): string[] {
  const encoder = new TextEncoder()
  const parts: string[] = []
  let part = ''
  let bytes = 0
  for (const line of text.split(/(?<=\n)/)) {
    const size = encoder.encode(line).length
    if (bytes + size > maxBytes && part !== '') {
      parts.push(part)
      part = ''
      bytes = 0
    }
    if (size <= maxBytes) {
      part += line
      bytes += size
      continue
    }
    // A line longer than a part: cut it by characters (code points, so no surrogate is split).
    for (const ch of line) {
      const n = encoder.encode(ch).length
      if (bytes + n > maxBytes) {
        parts.push(part)
        part = ''
        bytes = 0
      }
      part += ch
      bytes += n
    }
  }
  if (part !== '' || parts.length === 0) parts.push(part)
  return parts
}
