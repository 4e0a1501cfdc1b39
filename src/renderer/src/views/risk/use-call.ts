import { useEffect, useState } from 'react'
import type { MethodName, MethodParams, MethodResult } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'

/**
 * One API call kept in step with its params: called again whenever they change (compared as
 * JSON), an answer to params since replaced is dropped, and busy/error follow the latest call.
 */
export function useCall<M extends MethodName>(method: M, params: MethodParams<M>): { value: MethodResult<M> | null; error: string | null; busy: boolean } {
  const client = useClient()
  const key = JSON.stringify(params)
  const [state, setState] = useState<{ value: MethodResult<M> | null; error: string | null; busy: boolean }>({ value: null, error: null, busy: true })
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, error: null, busy: true }))
    client.call(method, JSON.parse(key) as MethodParams<M>).then(
      (value) => live && setState({ value, error: null, busy: false }),
      (e: Error) => live && setState((s) => ({ ...s, error: e.message, busy: false }))
    )
    return () => {
      live = false
    }
  }, [client, method, key])
  return state
}
