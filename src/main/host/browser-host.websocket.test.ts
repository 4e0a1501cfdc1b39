// The browser host's WebSocket API: who may open the socket, calls and streamed run events with
// $f64-encoded arrays, malformed frames answered specifically, and an oversized frame's close.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { MAX_MESSAGE_BYTES, type RunSummary } from '../../shared/contract'
import { connectClient, countRuns, current, openSocket, useBrowserHostSandbox } from './browser-host.test-support'

useBrowserHostSandbox()

describe('browser host WebSocket API', () => {
  it('refuses the socket without the token, with a wrong or missing Origin, or on another path', async () => {
    const { host, origin, cookie } = current()
    const api = `${host.appPath}api`
    const refused: Array<[string, Parameters<typeof openSocket>[1]]> = [
      ['no token', { origin, path: api }],
      ['a wrong cookie', { origin, cookie: 'mechanica=WRONG', path: api }],
      ['the launch token as the cookie', { origin, cookie: `mechanica=${host.token}`, path: api }],
      ['a cookie bound to another port', { origin, cookie: host.cookie(`127.0.0.1:${host.port + 1}`), path: api }],
      ['a wrong token in the query', { origin, path: '/api?token=WRONG' }],
      ['no Origin', { cookie, path: api }],
      ['an Origin on another port', { origin: `http://127.0.0.1:${host.port + 1}`, cookie, path: api }],
      ['a foreign Origin', { origin: 'http://evil.example', cookie, path: api }],
      ['a foreign Origin with the token in the query', { origin: 'http://evil.example', path: `/api?token=${host.token}` }],
      ['another path', { origin, cookie, path: host.appPath }],
      ['the root', { origin, cookie, path: '/' }]
    ]
    for (const [label, options] of refused) {
      const attempt = await openSocket(host.port, options)
      expect(attempt, label).toEqual({ opened: false, status: 401, error: null })
    }
    const accepted = await openSocket(host.port, { origin, cookie, path: api })
    expect(accepted.opened).toBe(true)
    const viaLocalhost = await openSocket(host.port, { origin: `http://localhost:${host.port}`, cookie, path: api })
    expect(viaLocalhost.opened).toBe(true)
    const withToken = await openSocket(host.port, { origin, path: `/api?token=${host.token}` })
    expect(withToken.opened).toBe(true)
  })

  it('answers calls and streams run events, with the path arriving $f64-encoded', async () => {
    const { ws, tempDir } = current()
    const client = await connectClient()

    client.call(1, 'app.info', {})
    const info = (await client.nextResult()).message
    expect(info).toMatchObject({ type: 'result', id: 1, ok: true, value: { name: 'Mechanica', host: 'browser', databasePath: join(tempDir, 'mechanica.db') } })

    client.call(2, 'runs.start', { spec: { task: 'random-walk', steps: 300_000, seed: 5 } })
    const started = (await client.nextResult()).message
    expect(started).toMatchObject({ type: 'result', id: 2, ok: true, value: { run: { status: 'running', progressTotal: 300_000 } } })
    const runId = (started.value as { run: RunSummary }).run.id

    const isEnd = (m: Record<string, unknown>): boolean =>
      m.type === 'event' && m.event === 'run.updated' && (m.payload as { run: RunSummary }).run.id === runId && (m.payload as { run: RunSummary }).run.status !== 'running'
    const endIndex = await client.waitFor(() => client.messages.findIndex((m) => isEnd(m.message)), 10_000, 'the run to end')
    const end = (client.messages[endIndex]?.message.payload as { run: RunSummary }).run
    expect(end.status).toBe('completed')
    expect(end.resultsHash).toMatch(/^[0-9a-f]{64}$/)
    const progress = client.messages.filter((m) => m.message.type === 'event' && m.message.event === 'run.progress').map((m) => m.message.payload)
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.at(-1)).toMatchObject({ runId, done: 300_000, total: 300_000 })

    client.call(3, 'runs.get', { runId })
    const detail = await client.nextResult()
    expect(detail.text).toContain('"path":{"$f64":"')
    const value = detail.message.value as { run: RunSummary; results: { path: unknown; pathStride: number } }
    expect(value.run).toEqual(end)
    expect(value.results.path).toBeInstanceOf(Float64Array)
    const direct = await ws.router.call('runs.get', { runId }, { transport: 'direct' })
    const directPath = (direct as { ok: true; value: { results: { path: Float64Array } } }).value.results.path
    expect(Array.from(value.results.path as Float64Array)).toEqual(Array.from(directPath))
    expect((value.results.path as Float64Array).length).toBe(4055)
  })

  it('answers malformed messages with specific errors and keeps the socket and app working', async () => {
    const { ws } = current()
    const client = await connectClient()
    const rows = countRuns(ws)

    client.send('this is not json')
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Message is not valid JSON.' }
    })

    client.send(JSON.stringify({ type: 'call' }))
    const noId = (await client.nextResult()).message
    expect(noId).toMatchObject({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request' } })
    expect((noId.error as { message: string }).message).toMatch(/^Malformed call: id: /)

    client.call(7, 'nope.nothing', {})
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: 7,
      ok: false,
      error: { code: 'unknown_method', message: 'Unknown method "nope.nothing".' }
    })

    client.call(8, 'runs.start', { spec: { task: 'random-walk', steps: 0, seed: 1 } })
    expect((await client.nextResult()).message).toMatchObject({
      id: 8,
      ok: false,
      error: { code: 'invalid_params', message: 'runs.start: spec.steps: must be at least 1 (got 0)' }
    })

    const padding = 'x'.repeat(MAX_MESSAGE_BYTES + 1000)
    client.call(9, 'runs.start', { spec: { task: 'random-walk', steps: 1000, seed: 1, padding } })
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` }
    })

    client.send(Buffer.from(JSON.stringify({ type: 'call', id: 10, method: 'app.info', params: {} })))
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' }
    })

    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.call(11, 'app.info', {})
    expect((await client.nextResult()).message).toMatchObject({ type: 'result', id: 11, ok: true, value: { host: 'browser' } })
    expect(countRuns(ws)).toBe(rows)
  })

  it('a frame far over the cap closes that socket with 1009 while other clients keep working', async () => {
    const { ws } = current()
    const bystander = await connectClient()
    const client = await connectClient()
    const closed = new Promise<number>((resolve) => client.socket.on('close', (code) => resolve(code)))
    client.send('x'.repeat(MAX_MESSAGE_BYTES * 4 + 1))
    expect(await closed).toBe(1009)

    bystander.call(1, 'app.info', {})
    expect((await bystander.nextResult()).message).toMatchObject({ id: 1, ok: true, value: { host: 'browser' } })
    expect(countRuns(ws)).toBe(0)
  })
})
