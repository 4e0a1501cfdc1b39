import { createContext, useContext } from 'react'
import type { MechanicaClient } from '../api/client'

export const ClientContext = createContext<MechanicaClient | null>(null)

export function useClient(): MechanicaClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside ClientContext')
  return client
}
