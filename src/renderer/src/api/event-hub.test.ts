import { describe, expect, it } from 'vitest'
import { eventHub } from './event-hub'

const engine = (state: string) => ({ name: 'engine', state, pid: 1, restarts: 0, lastExit: null, restartInMs: null })

describe('eventHub', () => {
  it('hands a late service.status listener the latest state of each service, then every change', () => {
    const hub = eventHub()
    hub.emit('service.status', engine('starting'))
    hub.emit('service.status', engine('ready'))
    hub.emit('service.status', { ...engine('stopped'), name: 'inference' })
    const seen: unknown[] = []
    hub.on('service.status', (s) => seen.push(s))
    expect(seen).toEqual([engine('ready'), { ...engine('stopped'), name: 'inference' }])
    hub.emit('service.status', engine('crashed'))
    expect(seen.at(-1)).toEqual(engine('crashed'))
  })

  it('keeps no other event for later, and stops delivering once unsubscribed', () => {
    const hub = eventHub()
    hub.emit('run.progress', { runId: 1 })
    const seen: unknown[] = []
    const off = hub.on('run.progress', (p) => seen.push(p))
    expect(seen).toEqual([])
    hub.emit('run.progress', { runId: 2 })
    off()
    hub.emit('run.progress', { runId: 3 })
    expect(seen).toEqual([{ runId: 2 }])
  })
})
