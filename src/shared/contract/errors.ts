import { z } from 'zod'
import { describeValue, ERROR_CODES, type ApiErrorShape as PlainErrorShape } from './api-error'

export { ApiError, describeValue, isApiError, summariseIssues } from './api-error'

/**
 * One error shape for everything that crosses a process boundary. `message` is written for
 * a person; `issues` locate field-level problems so the UI can place them next to the field.
 * Stack traces and schema internals never travel.
 */
export const ErrorCode = z.enum(ERROR_CODES)
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
// The zod-free interfaces in api-error.ts must stay the schemas' types: this fails to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Holds<T extends true> = T
export type ErrorShapesAgree = Holds<Same<ApiErrorShape, PlainErrorShape>>

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
