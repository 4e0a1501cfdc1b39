import { engineMethods } from '../../shared/contract/protocol'
import { engineHandlers } from './engine-handlers'
import { serveWorker } from './runtime'

// The engine service process: its method table, served.
serveWorker('engine service', engineMethods, engineHandlers)
