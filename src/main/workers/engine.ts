import { engineMethods } from '../../shared/contract/protocol'
import { deferredHandlers } from './deferred-handlers'
import { serveWorker } from './runtime'

/** When the handlers load if no call has asked for them yet (about 1 s past a cold start's first screen). */
const WARM_AFTER_READY_MS = 1500

// The engine service process: its method table, served. It says ready as soon as the table is
// up; the handlers' code — every lab, about 1 MB, ~140 ms of a core — loads on the first call,
// or WARM_AFTER_READY_MS after ready if none came: on a cold start that is past the first screen
// (which reads the build's lab catalogue, not the engine), where on two cores the load ran
// against the page's own script.
const engine = deferredHandlers(
  engineMethods,
  () => import('./engine-handlers').then((m) => m.engineHandlers),
  (error) => {
    console.error('engine service: its handlers failed to load:', error)
    process.exit(1)
  }
)
serveWorker('engine service', engineMethods, engine.handlers)
setTimeout(engine.warm, WARM_AFTER_READY_MS)
