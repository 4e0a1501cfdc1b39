import { inferenceMethods } from '../../shared/contract/protocol'
import { inferenceHandlers } from './inference-handlers'
import { serveWorker } from './runtime'

// The inference service process: its method table, served.
serveWorker('inference service', inferenceMethods, inferenceHandlers)
