import { z } from 'zod'

export const ServiceName = z.enum(['engine', 'inference'])
export type ServiceName = z.infer<typeof ServiceName>

export const ServiceState = z.enum(['starting', 'ready', 'restarting', 'failed', 'stopped'])
export type ServiceState = z.infer<typeof ServiceState>

export const ServiceStatus = z.strictObject({
  name: ServiceName,
  state: ServiceState,
  pid: z.int().nullable(),
  restarts: z.int(),
  /** Why it last went down, in words ("exited with code 1", "killed by SIGKILL"). */
  lastExit: z.string().nullable(),
  /** Milliseconds until the next restart attempt while restarting. */
  restartInMs: z.int().nullable()
})
export type ServiceStatus = z.infer<typeof ServiceStatus>

export const ExecutionProvider = z.enum(['cuda', 'webgpu', 'cpu'])
export type ExecutionProvider = z.infer<typeof ExecutionProvider>

export const InferenceStatus = z.strictObject({
  runtimeVersion: z.string(),
  provider: ExecutionProvider,
  /** Every provider tried, in order, with why it did not answer. */
  attempts: z.array(z.strictObject({ provider: ExecutionProvider, ok: z.boolean(), error: z.string().optional() })),
  summary: z.string()
})
export type InferenceStatus = z.infer<typeof InferenceStatus>
