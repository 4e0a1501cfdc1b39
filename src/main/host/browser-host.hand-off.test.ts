// Handing the session to a browser without a secret on any command line: the one-time code's
// POST /open, and the private hand-off page --open gives Chromium.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startBrowserHost } from './browser-host'
import { current, postCode, raw, useBrowserHostSandbox, type RawResponse } from './browser-host.test-support'
import { openInChromium, type Launch } from './open-browser'
import { sessionValue } from './token'

useBrowserHostSandbox()

describe('one-time hand-off to a browser (POST /open)', () => {
  it('trades a hand-off code once for the session cookie, then refuses it', async () => {
    const { host, cookie } = current()
    const handOff = host.handOff()
    expect(Buffer.from(handOff.code, 'base64url')).toHaveLength(32) // 256 random bits
    expect(host.handOff().code).not.toBe(handOff.code)

    const first = await postCode(host, handOff.code)
    expect(first.status).toBe(200)
    expect(first.headers['set-cookie']).toEqual([`${cookie}; HttpOnly; SameSite=Strict; Path=${host.appPath}`])
    expect(first.headers['cache-control']).toBe('no-store')
    // A same-origin refresh, not a redirect: Chromium drops Strict cookies after a redirect from file://.
    expect(first.body).toContain(`<meta http-equiv="refresh" content="0;url=${host.appPath}">`)
    expect(first.body).not.toContain(host.token)

    const replay = await postCode(host, handOff.code)
    expect(replay.status).toBe(401)
    expect(replay.body).toContain('already used or has expired')
    expect(replay.headers['set-cookie']).toBeUndefined()
    expect(await handOff.ended).toBe('used')
  })

  it('refuses a code after its 30 s, and takes one just before', async () => {
    const { ws, rendererDir } = current()
    let now = 1_000_000
    const timed = await startBrowserHost({ workstation: ws, rendererDir, now: () => now })
    try {
      const late = timed.handOff()
      const early = timed.handOff()
      expect(late.expiresAt).toBe(now + 30_000)
      now += 29_999
      expect((await postCode(timed, early.code)).status).toBe(200)
      now += 1
      const refused = await postCode(timed, late.code)
      expect(refused.status).toBe(401)
      expect(refused.headers['set-cookie']).toBeUndefined()
      expect(await late.ended).toBe('expired')
    } finally {
      await timed.close()
    }
  })

  it('refuses a GET, a foreign Origin, a wrong, missing or oversize code, without spending a live one', async () => {
    const { host } = current()
    const live = host.handOff()
    const hostHeader = `127.0.0.1:${host.port}`
    const form = 'application/x-www-form-urlencoded'
    const attempts: Array<[string, Promise<RawResponse>, number]> = [
      ['a GET with the code', raw(host.port, `/open?code=${live.code}`, { Host: hostHeader }), 405],
      ['a foreign Origin', postCode(host, live.code, { Origin: 'http://evil.example' }), 403],
      ['another port\'s Origin', postCode(host, live.code, { Origin: `http://127.0.0.1:${host.port + 1}` }), 403],
      ['a foreign Host', postCode(host, live.code, { Host: `evil.example:${host.port}` }), 421],
      ['a JSON body', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ code: live.code })), 415],
      ['an oversize body', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': form }, 'POST', `code=${live.code}&pad=${'x'.repeat(2000)}`), 413],
      // One character changed — to one it is not already (a fixed 'A' equals the live code one time in 64).
      ['a wrong code', postCode(host, `${live.code.slice(0, -1)}${live.code.endsWith('A') ? 'B' : 'A'}`), 401],
      ['the launch token as the code', postCode(host, host.token), 401],
      ['no code', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': form }, 'POST', ''), 401]
    ]
    for (const [label, attempt, status] of attempts) {
      const res = await attempt
      expect(res.status, label).toBe(status)
      expect(res.headers['set-cookie'], label).toBeUndefined()
    }
    // The live code survived all of that, and works once.
    expect((await postCode(host, live.code, { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200)
  })

  it('revokes outstanding codes when the host closes', async () => {
    const { ws, rendererDir } = current()
    const closing = await startBrowserHost({ workstation: ws, rendererDir })
    const handOff = closing.handOff()
    await closing.close()
    expect(await handOff.ended).toBe('revoked')
  })
})

describe('opening Chromium (--open)', () => {
  /** A stand-in launcher: keeps the command line and the hand-off page as they were at launch. */
  function recordingLaunch(): { launch: Launch; calls: Array<{ command: string; args: readonly string[]; page: string; pageMode: number; dirMode: number }> } {
    const calls: Array<{ command: string; args: readonly string[]; page: string; pageMode: number; dirMode: number }> = []
    const launch: Launch = (command, args) => {
      const app = args.find((a) => a.startsWith('--app='))
      const file = app ? fileURLToPath(app.slice('--app='.length)) : ''
      calls.push({ command, args, page: readFileSync(file, 'utf8'), pageMode: statSync(file).mode & 0o777, dirMode: statSync(dirname(file)).mode & 0o777 })
    }
    return { launch, calls }
  }

  const codeIn = (page: string): string => /name="code" value="([\w-]+)"/.exec(page)?.[1] ?? ''

  it('the command line that starts Chromium carries neither the token nor the one-time code', async () => {
    const { host, tempDir } = current()
    const { launch, calls } = recordingLaunch()
    const opened = openInChromium(host, '/usr/bin/chromium', launch, tempDir)
    expect(calls).toHaveLength(1)
    const [call] = calls
    const code = codeIn(call!.page)
    expect(code).toMatch(/^[\w-]{43}$/)
    const commandLine = [call!.command, ...call!.args].join(' ')
    expect(commandLine).not.toContain(host.token)
    expect(commandLine).not.toContain(code)
    expect(commandLine).not.toContain(sessionValue(host.token, `127.0.0.1:${host.port}`))
    expect(commandLine).not.toContain('token=')
    expect(call!.args[0]).toBe(`--app=file://${opened.handOffFile}`)
    opened.dispose()
  })

  it('the hand-off page is private, posts its code to /open, is deleted once used, and cannot be replayed', async () => {
    const { host, tempDir } = current()
    const { launch, calls } = recordingLaunch()
    const opened = openInChromium(host, '/usr/bin/chromium', launch, tempDir)
    const { page, pageMode, dirMode } = calls[0]!
    expect(dirMode).toBe(0o700)
    expect(pageMode).toBe(0o600)
    expect(page).toContain(`<form method="post" action="${host.openUrl}">`)
    expect(page).not.toContain(host.token)

    // Chromium's visit, then someone who copied the page trying it again.
    expect((await postCode(host, codeIn(page))).status).toBe(200)
    const replay = await postCode(host, codeIn(page))
    expect(replay.status).toBe(401)
    expect(replay.headers['set-cookie']).toBeUndefined()
    expect(await opened.ended).toBe('used')
    expect(existsSync(opened.handOffFile)).toBe(false)
    expect(existsSync(dirname(opened.handOffFile))).toBe(false)
  })

  it('an unused hand-off page is deleted when its code expires, and its code is refused', async () => {
    const { ws, tempDir, rendererDir } = current()
    const quick = await startBrowserHost({ workstation: ws, rendererDir, handOffTtlMs: 150 })
    try {
      const { launch, calls } = recordingLaunch()
      const opened = openInChromium(quick, '/usr/bin/chromium', launch, tempDir)
      expect(existsSync(opened.handOffFile)).toBe(true)
      expect(await opened.ended).toBe('expired')
      expect(existsSync(dirname(opened.handOffFile))).toBe(false)
      expect((await postCode(quick, codeIn(calls[0]!.page))).status).toBe(401)
    } finally {
      await quick.close()
    }
  })
})
