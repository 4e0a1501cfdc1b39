import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'

/** GGUF versions llama.cpp reads today (v1 is gone since 2023; ggml docs/gguf.md). */
const READABLE_VERSIONS = new Set([2, 3])

/**
 * Checks that `path` is a GGUF model before anything loads it: the file exists, is a file, and
 * starts with the magic "GGUF" and a version llama.cpp reads. Throws a one-line error naming the file.
 */
export async function checkGgufFile(path: string): Promise<{ sizeBytes: number; version: number }> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new Error(`agent model ${path} is not a file`)
    size = info.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`agent model ${path} does not exist`)
    throw error
  }
  const header = Buffer.alloc(8)
  const handle = await open(path, 'r')
  try {
    const { bytesRead } = await handle.read(header, 0, 8, 0)
    if (bytesRead < 8 || header.toString('latin1', 0, 4) !== 'GGUF') {
      throw new Error(`agent model ${path} is not a GGUF file (it does not start with "GGUF")`)
    }
  } finally {
    await handle.close()
  }
  const version = header.readUInt32LE(4)
  if (!READABLE_VERSIONS.has(version)) {
    throw new Error(`agent model ${path} is GGUF version ${version}; llama.cpp reads versions 2 and 3`)
  }
  return { sizeBytes: size, version }
}

/** The file's sha256, streamed: models are gigabytes. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
