import { z } from 'zod'

/**
 * One error shape for everything that crosses a process boundary. `message` is written for
 * a person; `issues` locate field-level problems so the UI can place them next to the field.
 * Stack traces and schema internals never travel.
 */
export const ErrorCode = z.enum([
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
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const FieldIssue = z.strictObject({
  path: z.string(),
  message: z.string()
})
export type FieldIssue = z.infer<typeof FieldIssue>

export const ApiErrorShape = z.strictObject({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(FieldIssue).optional()
})
export type ApiErrorShape = z.infer<typeof ApiErrorShape>

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

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

/**
 * Turns zod issues into people's words: `spec.steps: must be at most 10,000,000 (got 2e7)`.
 * `root` names the whole value when an issue has an empty path.
 */
export function issuesFromZod(error: z.ZodError, input: unknown, root = 'params'): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : root
    let message = issue.message
    if (issue.code === 'unrecognized_keys') {
      message = `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
    } else if (issue.code !== 'custom') {
      message = `${message} (got ${describeValue(valueAt(input, issue.path))})`
    }
    return { path, message }
  })
}

export function summariseIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`)
  if (issues.length > 3) shown.push(`and ${issues.length - 3} more`)
  return shown.join('; ')
}
