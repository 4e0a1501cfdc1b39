// The error type without zod: the renderer's entry bundle imports it directly, so that parsing
// the first screen does not parse the contract's schemas (errors.ts builds the schemas from
// ERROR_CODES and re-exports the rest).

export const ERROR_CODES = [
  'invalid_request', // the envelope itself is malformed (not JSON, wrong fields, too many arguments)
  'invalid_params', // the method exists but its parameters do not satisfy its schema
  'unknown_method',
  'payload_too_large',
  'unauthorized',
  'not_found',
  'conflict',
  'cancelled',
  'service_unavailable', // the service process is down or restarting
  'service_crashed', // the process died while this call was pending
  'internal'
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface FieldIssue {
  path: string
  message: string
}

export interface ApiErrorShape {
  code: ErrorCode
  message: string
  issues?: FieldIssue[] | undefined
}

/** Thrown on either side; serialises to ApiErrorShape and nothing else. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly issues: FieldIssue[] | undefined

  constructor(code: ErrorCode, message: string, issues?: FieldIssue[]) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.issues = issues
  }

  toShape(): ApiErrorShape {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message }
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.issues)
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

/** Describes what a value was, briefly, for "(got …)" in messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value)) return `an array of ${value.length}`
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

export function summariseIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`)
  if (issues.length > 3) shown.push(`and ${issues.length - 3} more`)
  return shown.join('; ')
}
