import { describe, expect, it } from 'vitest'
import type { CallOutcome } from '../api/router'
import { firstScreenActions } from '../../renderer/src/app/first-screen'
import { initialState, reducer } from '../../renderer/src/app/state'
import { FIRST_SCREEN_ELEMENT_ID } from '../../shared/first-screen'
import { FIRST_SCREEN_RUNS, firstScreenState, withFirstScreen } from './first-screen'

// The first screen's data written into index.html by the browser host, and read back by the shell.

const HTML = '<!doctype html><html><head><title>M</title></head><body><div id="root"></div></body></html>'
const info = { name: 'Mechanica', version: '1', codeVersion: 'c', host: 'browser', databasePath: '/d/m.db', exportDir: '/d/exports', platform: 'linux-x64', runtime: 'Node 20' }
const run = { id: 7, task: 'lab', status: 'succeeded', notes: '</script><script>alert(1)</script>\u2028' }

/** A router that answers from a table and records what it was asked. */
function fakeRouter(answers: Record<string, CallOutcome>) {
  const asked: Array<{ method: string; params: unknown }> = []
  return {
    asked,
    call: async (method: string, params: unknown): Promise<CallOutcome> => {
      asked.push({ method, params })
      return answers[method] ?? { ok: false, error: { code: 'internal', message: `${method} failed` } }
    }
  }
}

/** The JSON text of the data block, as the page's parser would hand it over. */
function blockText(html: string): string {
  const match = new RegExp(`<script type="application/json" id="${FIRST_SCREEN_ELEMENT_ID}">(.*?)</script>`, 's').exec(html)
  if (!match) throw new Error('no first-screen block')
  return match[1]!
}

describe('the first screen in the page', () => {
  it('asks for info, services and the newest runs, never the labs (360 kB, and they may wait for the engine)', async () => {
    const starting = fakeRouter({
      'app.info': { ok: true, value: info },
      'services.status': { ok: true, value: { services: [{ name: 'engine', state: 'starting' }] } },
      'runs.list': { ok: true, value: { runs: [run], total: 1 } }
    })
    const early = await firstScreenState(starting)
    expect(starting.asked.map((a) => a.method).sort()).toEqual(['app.info', 'runs.list', 'services.status'])
    expect(starting.asked.find((a) => a.method === 'runs.list')!.params).toEqual({ limit: FIRST_SCREEN_RUNS })
    expect(early).toEqual({ info, services: [{ name: 'engine', state: 'starting' }], runs: { runs: [run], total: 1 } })

    const ready = fakeRouter({
      'app.info': { ok: true, value: info },
      'services.status': { ok: true, value: { services: [{ name: 'engine', state: 'ready' }] } },
      'labs.list': { ok: true, value: { labs: [{ id: 'fx-carry' }] } }
    })
    const later = await firstScreenState(ready)
    // runs.list failed: left out, the page asks for it over the socket.
    expect(later).toEqual({ info, services: [{ name: 'engine', state: 'ready' }] })
    expect(ready.asked.map((a) => a.method)).not.toContain('labs.list')
  })

  it('carries the labs when they are at hand without the engine, and the shell lists them', async () => {
    const labs = [{ id: 'fx-carry', title: 'FX carry </script>' }]
    const router = fakeRouter({ 'app.info': { ok: true, value: info }, 'labs.list': { ok: true, value: { labs: [] } } })
    const state = await firstScreenState(router, () => labs as never)
    expect(state).toEqual({ info, labs })
    expect(router.asked.map((a) => a.method)).not.toContain('labs.list')
    const html = withFirstScreen(HTML, state)
    expect(html.match(/<\/script>/g)).toHaveLength(1)
    const shell = firstScreenActions(blockText(html)).reduce(reducer, initialState)
    expect(shell.labs).toEqual(labs)
    // Not at hand (the engine would have to build them): not carried.
    expect(await firstScreenState(router, () => null)).toEqual({ info })
  })

  it('writes one data block before </head> that no value can close, and the shell reads it back', () => {
    const state = { info, services: [{ name: 'engine', state: 'ready' }], runs: { runs: [run], total: 1 } } as never
    const html = withFirstScreen(HTML, state)
    expect(html.startsWith('<!doctype html><html><head><title>M</title><script type="application/json"')).toBe(true)
    expect(html.endsWith('</script></head><body><div id="root"></div></body></html>')).toBe(true)
    // Exactly one element is closed inside the head: the block's own.
    expect(html.match(/<\/script>/g)).toHaveLength(1)
    expect(html).not.toContain('\u2028')

    const shell = firstScreenActions(blockText(html)).reduce(reducer, initialState)
    expect(shell.info).toEqual(info)
    expect(shell.services.engine).toEqual({ name: 'engine', state: 'ready' })
    expect(shell.order).toEqual([7])
    expect(shell.runs[7]).toEqual(run)
    expect(shell.totalRuns).toBe(1)
    expect(shell.connection).toBe('connecting')
  })

  it('the shell starts empty when the page has no block or an unreadable one', () => {
    expect(firstScreenActions(null)).toEqual([])
    expect(firstScreenActions('')).toEqual([])
    expect(firstScreenActions('{"info":')).toEqual([])
    expect(firstScreenActions('null')).toEqual([])
  })
})
