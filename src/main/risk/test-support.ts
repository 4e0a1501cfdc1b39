// Shared by the risk desk's tests: a fixed clock and the ApiError a call throws or rejects with.
import { ApiError } from '../../shared/contract'

export const fixedClock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }

/** The ApiError `fn` throws; fails the test if it throws nothing or something else. */
export function apiError(fn: () => unknown): ApiError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected an ApiError')
}

/** The ApiError a promise (or a function returning one, or throwing) rejects with. */
export async function apiRejection(p: Promise<unknown> | (() => unknown)): Promise<ApiError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected an ApiError')
}
