// The wire codec without zod: the renderer's entry bundle imports it directly, so that parsing
// the first screen does not parse the contract's schemas (wire.ts re-exports it), and the browser
// host serves before the schemas are loaded.

/** Caps on one inbound message, enforced by every transport before parsing. */
export const MAX_MESSAGE_BYTES = 64 * 1024

// JSON cannot carry typed arrays; they travel as {"$f64": base64} and are restored on arrival.
// Float32Array travels as {"$f32": base64}: half the bytes, for values the engine keeps in float32
// anyway (the Terrain view's 500-asset matrices: 1 MB a bar instead of 2).
const F64_TAG = '$f64'
const F32_TAG = '$f32'

function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** Text that is JSON but not a message the codec can decode; the message says why, for people. */
export class WireDecodeError extends SyntaxError {
  constructor(message: string) {
    super(message)
    this.name = 'WireDecodeError'
  }
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function encodeWire(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Float64Array) {
      return { [F64_TAG]: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) }
    }
    if (value instanceof Float32Array) {
      return { [F32_TAG]: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) }
    }
    return value
  })
}

/** Parses a frame; throws a plain SyntaxError for text that is not JSON, WireDecodeError (a SyntaxError) for the rest. */
export function decodeWire(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [tag, size, kind] of [
          [F64_TAG, 8, 'float64'],
          [F32_TAG, 4, 'float32']
        ] as const) {
          const tagged = (value as Record<string, unknown>)[tag]
          if (typeof tagged !== 'string' || Object.keys(value).length !== 1) continue
          let bytes: Uint8Array
          try {
            bytes = base64ToBytes(tagged)
          } catch {
            throw new WireDecodeError(`a "${tag}" value is not valid base64`)
          }
          if (bytes.byteLength % size !== 0) {
            throw new WireDecodeError(`a "${tag}" value holds ${bytes.byteLength} bytes, not a multiple of ${size} bytes (one per ${kind})`)
          }
          return size === 8 ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
        }
      }
      return value
    })
  } catch (error) {
    // Fuzz finding: the reviver recurses once per level, so a 64 KiB frame of a few thousand
    // nested brackets overflowed the stack and was reported as "not valid JSON".
    if (error instanceof RangeError) throw new WireDecodeError('it is nested too deeply to decode')
    throw error
  }
}
