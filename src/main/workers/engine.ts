import { engineMethods } from '../../shared/contract/protocol'
import { deferredHandlers } from './deferred-handlers'
import { serveWorker } from './runtime'

// The engine service process: its method table, served. It says ready as soon as the table is
// up; the handlers' code — every lab, about 1 MB — loads right after, while the workstation
// draws its first screen (which reads the build's lab catalogue, not the engine). A call that
// comes first waits for it.
const engine = deferredHandlers(
  engineMethods,
  () => import('./engine-handlers').then((m) => m.engineHandlers),
  (error) => {
    console.error('engine service: its handlers failed to load:', error)
    process.exit(1)
  }
)
serveWorker('engine service', engineMethods, engine.handlers)
setImmediate(engine.warm)
