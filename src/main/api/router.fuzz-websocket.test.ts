// Bad input through the browser host: the router fuzz's messages sent over a real socket with the
// token cookie, random binary frames, a burst, upgrades without the right cookie or Origin, and
// frames over the host's own limits. Each reply is checked by the same oracle as in
// router.fuzz.test.ts (router.fuzz-harness.ts); nothing may be written, touched or restarted.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { MAX_MESSAGE_BYTES, decodeWire, type ResultMessage } from '../../shared/contract'
import { SEED, checkNothingChanged, checkReply, expectForText, expectWorldUntouched, tally, useFuzzWorld } from './router.fuzz-harness'
import { SAFE_WHEN_VALID, envelopeFuzz, f64Fuzz, methodFuzz, numberFuzz, paramsFuzz, prototypeFuzz, textFuzz } from './router.fuzz-messages'

const world = useFuzzWorld({ browserHost: true })

interface Socket {
  socket: WebSocket
  results: ResultMessage[]
  next(timeoutMs?: number): Promise<ResultMessage>
  closed: Promise<number>
}

function connect(cookie: string | null, origin: string | null = `http://127.0.0.1:${world.host.port}`): Promise<Socket | { refused: number | string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${world.host.port}${world.host.appPath}api`, {
      headers: cookie === null ? {} : { Cookie: cookie },
      ...(origin === null ? {} : { origin })
    })
    const results: ResultMessage[] = []
    const waiters: Array<() => void> = []
    let taken = 0
    socket.on('message', (data: Buffer) => {
      const message = decodeWire(data.toString('utf8')) as ResultMessage | { type: 'event' }
      if (message.type === 'result') results.push(message)
      for (const w of waiters.splice(0)) w()
    })
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)))
    socket.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 })
      res.resume()
      socket.terminate()
    })
    socket.on('error', (error) => resolve({ refused: error.message }))
    socket.on('open', () =>
      resolve({
        socket,
        results,
        closed,
        next(timeoutMs = 10_000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error('no reply from the host')), timeoutMs)
            const check = (): void => {
              const r = results[taken]
              if (r) {
                taken++
                clearTimeout(timer)
                ok(r)
              } else waiters.push(check)
            }
            check()
          })
        }
      })
    )
  })
}

async function authorised(): Promise<Socket> {
  const attempt = await connect(world.host.cookie())
  if ('refused' in attempt) throw new Error(`socket refused: ${attempt.refused}`)
  return attempt
}

async function expectHostAnswers(): Promise<void> {
  const client = await authorised()
  client.socket.send(JSON.stringify({ type: 'call', id: 424242, method: 'app.info', params: {} }))
  const reply = await client.next()
  expect(reply).toMatchObject({ id: 424242, ok: true, value: { host: 'browser' } })
  client.socket.close()
}

describe('WebSocket fuzz through the browser host', () => {
  it('answers random text and binary frames one by one, each with a specific error', async () => {
    const client = await authorised()
    const frame = fc.oneof(
      { weight: 4, arbitrary: fc.oneof(paramsFuzz, prototypeFuzz, methodFuzz, envelopeFuzz, f64Fuzz, numberFuzz, textFuzz).map((text) => ({ binary: false as const, text })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ binary: true as const, bytes })) }
    )
    let sent = 0
    let filtered = 0
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        if (f.binary) {
          client.socket.send(Buffer.from(f.bytes), { binary: true })
          const reply = await client.next()
          expect(reply).toEqual({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' } })
        } else {
          // What arrives is the UTF-8 of the text: lone surrogates become U+FFFD on the way.
          const arriving = Buffer.from(f.text, 'utf8').toString('utf8')
          const expected = expectForText(arriving)
          if (!expected.refused && !SAFE_WHEN_VALID.has(expected.method)) {
            filtered++
            return
          }
          client.socket.send(f.text)
          const reply = await client.next()
          const label = `ws: ${arriving.slice(0, 160)}`
          // JSON has no -0: an id sent as -0 comes back as 0 (+ 0 turns -0 into 0).
          expect(reply.id, label).toBe((expected.id ?? -1) + 0)
          checkReply(reply, expected, label, arriving)
        }
        checkNothingChanged('ws frame')
        sent++
      }),
      { seed: SEED + 30, numRuns: 2500, endOnFailure: true }
    )
    tally('websocket frames', sent, filtered, performance.now() - started)
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.socket.close()
  })

  it('answers every one of 3,000 frames sent at once, in a burst', async () => {
    const client = await authorised()
    const started = performance.now()
    const frames = 3000
    let minusOne = 0
    for (let i = 0; i < frames; i++) {
      if (i % 3 === 0) client.socket.send(JSON.stringify({ type: 'call', id: i, method: `no.such.method.${i}`, params: {} }))
      else if (i % 3 === 1) client.socket.send(JSON.stringify({ type: 'call', id: i, method: 'runs.get', params: { runId: -i } }))
      else {
        client.socket.send(i % 2 ? `{"type":"call","id":${i},` : Buffer.from([i & 255, 1, 2]), { binary: i % 2 === 0 })
        minusOne++
      }
    }
    const replies: ResultMessage[] = []
    for (let i = 0; i < frames; i++) replies.push(await client.next(20_000))
    tally('websocket burst', frames, 0, performance.now() - started)
    const ids = replies.filter((r) => r.id !== -1).map((r) => r.id).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: frames }, (_, i) => i).filter((i) => i % 3 !== 2))
    expect(replies.filter((r) => r.id === -1)).toHaveLength(minusOne)
    for (const r of replies) {
      expect(r.ok).toBe(false)
      if (!r.ok) expect(['unknown_method', 'invalid_params', 'invalid_request']).toContain(r.error.code)
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    checkNothingChanged('burst')
    client.socket.close()
  })

  it('refuses the socket without the right token cookie or Origin, whatever is sent instead', async () => {
    const { port, token } = world.host
    const session = world.host.cookie().slice('mechanica='.length)
    const near = [
      null,
      '',
      'mechanica=',
      `mechanica=${token}`,
      world.host.cookie(`127.0.0.1:${port + 1}`),
      `mechanica=${session.slice(0, -1)}`,
      `mechanica=${session}x`,
      `mechanica=${session.toUpperCase() === session ? session.toLowerCase() : session.toUpperCase()}`,
      `mechanica_token_${port}=${token}`,
      `mechanica_${port}=${session}`,
      `token=${token}`
    ]
    const random = fc.sample(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((s) => `mechanica=${s}`)), { seed: SEED + 40, numRuns: 60 })
    // Header values must be latin-1 without control characters to be sent at all.
    const cookies = [...near, ...random.filter((c) => /^[\x20-\x7e]*$/.test(c))]
    const started = performance.now()
    for (const cookie of cookies) {
      const attempt = await connect(cookie)
      expect('refused' in attempt ? attempt.refused : 'opened', String(cookie)).toBe(401)
    }
    for (const origin of [null, 'http://evil.example', `http://127.0.0.1:${port + 1}`, 'null']) {
      const attempt = await connect(world.host.cookie(), origin)
      expect('refused' in attempt ? attempt.refused : 'opened', String(origin)).toBe(401)
    }
    tally('websocket upgrades', cookies.length + 4, 0, performance.now() - started)
    await expectHostAnswers()
  })

  it('answers frames a little over the cap, closes far larger ones and invalid UTF-8, and keeps serving', async () => {
    const client = await authorised()
    for (const size of [MAX_MESSAGE_BYTES + 1, 2 * MAX_MESSAGE_BYTES, 4 * MAX_MESSAGE_BYTES]) {
      client.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: { pad: 'x'.repeat(size) } }).slice(0, size))
      expect(await client.next()).toEqual({ type: 'result', id: -1, ok: false, error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` } })
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.socket.send('x'.repeat(4 * MAX_MESSAGE_BYTES + 1))
    expect(await client.closed).toBe(1009)

    const garbled = await authorised()
    garbled.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }) // a text frame that is not UTF-8
    expect(await garbled.closed).toBe(1007)

    await expectHostAnswers()
    checkNothingChanged('oversized frames')
  })
})

describe('after the WebSocket fuzz', () => {
  it('left the database byte-identical, every service up and no prototype touched', async () => {
    await expectWorldUntouched()
  })
})
