import type { Router } from '../api/router'
import type { LabInfo } from '../../shared/contract'
import { FIRST_SCREEN_ELEMENT_ID, type FirstScreen } from '../../shared/first-screen'

// The first screen's data inside the page that shows it: the browser host writes what the shell
// asks for first (app info, service states, the newest runs) into index.html, so a cold start
// draws the status bar and the runs without waiting for the page's script to open the WebSocket
// and ask. The socket still reloads all of it when it opens. The labs (the first view's list,
// about 360 kB) only when they are at hand — the build's catalogue file — never by waiting for
// the engine, which the page must not.

/** The newest runs the shell lists first (the same page App.tsx asks for). */
export const FIRST_SCREEN_RUNS = 200

/**
 * Asks the router (validated like any call) for what the first screen shows; a failed call is
 * left out. The labs come from `labsAtHand` (null: left out): the build's catalogue file, part
 * of the build like the page's own script, taken as it is — through the router, zod would check
 * its 360 kB at every page load (about 0.2 s of a core on the idle machine, 0.8 s under load).
 */
export async function firstScreenState(router: Pick<Router, 'call'>, labsAtHand: () => LabInfo[] | null = () => null): Promise<FirstScreen> {
  const ask = async (method: string, params: unknown): Promise<unknown> => {
    const outcome = await router.call(method, params, { transport: 'direct' })
    return outcome.ok ? outcome.value : undefined
  }
  const [info, services, runs] = await Promise.all([ask('app.info', {}), ask('services.status', {}), ask('runs.list', { limit: FIRST_SCREEN_RUNS })])
  const state: FirstScreen = {}
  if (info) state.info = info as FirstScreen['info']
  if (services) state.services = (services as { services: NonNullable<FirstScreen['services']> }).services
  if (runs) state.runs = runs as FirstScreen['runs']
  const labs = labsAtHand()
  if (labs) state.labs = labs
  return state
}

/**
 * `html` with the state as a JSON data block before </head>: the page as the browser host's
 * two parts add up to. A data block is never run (the CSP still allows no inline script); "<" is
 * escaped so that no value can close the element.
 */
export function withFirstScreen(html: string, state: FirstScreen): string {
  const { head, tail } = splitForFirstScreen(html)
  return `${head}${firstScreenBlock(state)}${tail}`
}

/**
 * The page cut where the first screen's block goes (before </head>): the head, with the page's
 * scripts and styles, can be sent before the state is known, so the browser fetches and compiles
 * them meanwhile; its module script runs only once the document has ended, so after the block.
 */
export function splitForFirstScreen(html: string): { head: string; tail: string } {
  const at = html.indexOf('</head>')
  return at < 0 ? { head: '', tail: html } : { head: html.slice(0, at), tail: html.slice(at) }
}

/** The state as the page's JSON data block. */
export function firstScreenBlock(state: FirstScreen): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  return `<script type="application/json" id="${FIRST_SCREEN_ELEMENT_ID}">${json}</script>`
}
