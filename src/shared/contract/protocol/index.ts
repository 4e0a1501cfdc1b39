// The process protocol between main and its service processes. Not re-exported from the
// contract's index: the renderer never calls a service, and does not bundle these tables.
export * from './table'
export * from './engine'
export * from './inference'
export * from './agent'
