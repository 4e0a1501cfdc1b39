import { agentMethods } from '../../shared/contract/protocol'
import { agentHandlers } from './agent-handlers'
import { serveWorker } from './runtime'

// The agent service process: its method table, served.
serveWorker('agent service', agentMethods, agentHandlers)
