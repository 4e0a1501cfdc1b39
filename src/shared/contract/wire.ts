import { z } from 'zod'
import { ApiErrorShape } from './errors'

/** A call carries exactly one params object (Electron's invoke may not smuggle extra arguments). */
export const MAX_CALL_ARGUMENTS = 1
/** Params nest at most this deep (the contract's deepest field is a handful of levels down). */
export const MAX_PARAMS_DEPTH = 32

export const CallMessage = z.strictObject({
  type: z.literal('call'),
  id: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  params: z.unknown()
})
export type CallMessage = z.infer<typeof CallMessage>

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorShape }
export type EventMessage = { type: 'event'; event: string; payload: unknown }
export type ServerMessage = ResultMessage | EventMessage

export { decodeWire, encodeWire, MAX_MESSAGE_BYTES, WireDecodeError } from './wire-codec'
