import type { MethodResult, ServiceStatus } from './contract'

// What the browser host writes into index.html for the shell's first render (see
// src/main/host/first-screen.ts), and the id of the element that carries it. Types only: the
// renderer's entry must not import the contract's schemas.

export const FIRST_SCREEN_ELEMENT_ID = 'mechanica-first-screen'

export interface FirstScreen {
  info?: MethodResult<'app.info'>
  services?: ServiceStatus[]
  runs?: MethodResult<'runs.list'>
  labs?: MethodResult<'labs.list'>['labs']
}
