import { z } from 'zod'
import { LabInfo, RunDetail, RunId, RunSpec, RunStatus, RunSummary } from './runs'
import { InferenceStatus, ServiceStatus } from './services'
import { RegimeReport, RegimeSource } from './regime'

const NoParams = z.strictObject({})

/**
 * The API inventory: every method the renderer may call, with its request and response.
 * The router refuses anything not listed here; a test pins that every method has a handler.
 */
export const methods = {
  'app.info': {
    request: NoParams,
    response: z.strictObject({
      name: z.string(),
      version: z.string(),
      codeVersion: z.string(),
      host: z.enum(['electron', 'browser']),
      databasePath: z.string(),
      platform: z.string(),
      runtime: z.string()
    })
  },
  'services.status': {
    request: NoParams,
    response: z.strictObject({ services: z.array(ServiceStatus) })
  },
  'inference.status': {
    request: NoParams,
    response: InferenceStatus
  },
  'labs.list': {
    request: NoParams,
    response: z.strictObject({ labs: z.array(LabInfo) })
  },
  'regime.classify': {
    request: z.strictObject({ source: RegimeSource }),
    response: RegimeReport
  },
  'runs.start': {
    request: z.strictObject({ spec: RunSpec }),
    response: z.strictObject({ run: RunSummary })
  },
  'runs.cancel': {
    request: z.strictObject({ runId: RunId }),
    response: z.strictObject({ cancelled: z.boolean() })
  },
  'runs.list': {
    request: z.strictObject({
      limit: z.int().min(1).max(500).default(100),
      offset: z.int().min(0).default(0),
      status: RunStatus.optional()
    }),
    response: z.strictObject({ runs: z.array(RunSummary), total: z.int() })
  },
  'runs.get': {
    request: z.strictObject({ runId: RunId }),
    response: RunDetail
  }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

export type Methods = typeof methods
export type MethodName = keyof Methods
/** What a caller passes (defaults may be omitted). */
export type MethodParams<M extends MethodName> = z.input<Methods[M]['request']>
/** What a handler receives, after validation and defaults. */
export type MethodInput<M extends MethodName> = z.output<Methods[M]['request']>
export type MethodResult<M extends MethodName> = z.output<Methods[M]['response']>

export const methodNames = Object.keys(methods) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
