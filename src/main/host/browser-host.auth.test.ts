// Who may reach the app over HTTP: loopback only, the launch token traded once for a cookie bound
// to this host, the random per-launch folder that cookie is scoped to, and the Host header check.
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { startBrowserHost } from './browser-host'
import { current, openSocket, raw, useBrowserHostSandbox } from './browser-host.test-support'
import { sessionValue } from './token'

useBrowserHostSandbox()

describe('browser host over HTTP', () => {
  it('listens on 127.0.0.1 only', async () => {
    const { host } = current()
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(new URL(host.url).hostname).toBe('127.0.0.1')
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address
    // On a machine with a non-loopback address, the port must not answer there.
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external, port: host.port })
        socket.once('connect', () => {
          socket.destroy()
          resolve(true)
        })
        socket.once('error', () => resolve(false))
      })
      expect(reached).toBe(false)
    }
  })

  it('refuses requests without the right token and never shows the app', async () => {
    const { base, host } = current()
    for (const path of ['/', '/index.html', '/assets/app.js', host.appPath, `${host.appPath}assets/app.js`, '/?token=WRONG', `/?token=`, '/?nothing=1']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' })
      const body = await res.text()
      expect(res.status, path).toBe(401)
      expect(body).not.toContain('MECHANICA-TEST')
      expect(res.headers.get('set-cookie')).toBeNull()
    }
    // The cookie holds a value bound to this host, never the token: the token as a cookie is refused.
    const tokenAsCookie = await fetch(`${base}${host.appPath}`, { headers: { Cookie: `mechanica=${host.token}` } })
    expect(tokenAsCookie.status).toBe(401)
    await tokenAsCookie.text()
  })

  it('trades the token in the address for an HttpOnly SameSite=Strict cookie scoped to the app folder', async () => {
    const { base, host } = current()
    const res = await fetch(`${base}/?token=${host.token}`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(host.appPath)
    const value = sessionValue(host.token, `127.0.0.1:${host.port}`)
    expect(value).not.toContain(host.token)
    expect(res.headers.get('set-cookie')).toBe(`mechanica=${value}; HttpOnly; SameSite=Strict; Path=${host.appPath}`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.text()).toBe('')
    // Signed in through "localhost", the cookie is bound to that Host instead.
    const viaLocalhost = await raw(host.port, `/?token=${host.token}`, { Host: `localhost:${host.port}` })
    expect(viaLocalhost.headers['set-cookie']).toEqual([`mechanica=${sessionValue(host.token, `localhost:${host.port}`)}; HttpOnly; SameSite=Strict; Path=${host.appPath}`])
  })

  // Cookies are not port-scoped (RFC 6265 §8.5): a browser sends 127.0.0.1's cookies to every
  // port on 127.0.0.1. Only a path nobody else knows keeps ours from other loopback services.
  it('serves the app only under a random per-launch folder, the one path its cookie is sent to', async () => {
    const { base, host, cookie, ws, rendererDir } = current()
    expect(host.appPath).toMatch(/^\/m\/[A-Za-z0-9_-]{22}\/$/) // 128 random bits
    for (const path of ['/', '/index.html', '/assets/app.js', '/m/', `${host.appPath.slice(0, -1)}x/`]) {
      const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie } })
      expect(res.status, path).toBe(401)
      expect(await res.text()).not.toContain('MECHANICA-TEST')
    }
    const other = await startBrowserHost({ workstation: ws, rendererDir })
    try {
      expect(other.appPath).not.toBe(host.appPath)
    } finally {
      await other.close()
    }
  })

  it('a session cookie is refused by another launch on another port, even one with the same token', async () => {
    const { host, ws, cookie, rendererDir } = current()
    const other = await startBrowserHost({ workstation: ws, rendererDir, token: host.token })
    try {
      const hostHeader = `127.0.0.1:${other.port}`
      const refused = await raw(other.port, other.appPath, { Host: hostHeader, Cookie: cookie })
      expect(refused.status).toBe(401)
      expect(refused.body).not.toContain('MECHANICA-TEST')
      const socket = await openSocket(other.port, { origin: `http://${hostHeader}`, cookie, path: `${other.appPath}api` })
      expect(socket).toEqual({ opened: false, status: 401, error: null })
      // Its own cookie works there, and ours still works here.
      expect((await raw(other.port, other.appPath, { Host: hostHeader, Cookie: other.cookie() })).status).toBe(200)
      expect((await raw(host.port, host.appPath, { Host: `127.0.0.1:${host.port}`, Cookie: cookie })).status).toBe(200)
    } finally {
      await other.close()
    }
  })
  it('a foreign Host header is 421 and a POST is 405, whatever the cookie', async () => {
    const { host, cookie, base } = current()
    const foreign = await raw(host.port, '/', { Host: `evil.example:${host.port}`, Cookie: cookie })
    expect(foreign.status).toBe(421)
    expect(foreign.body).not.toContain('MECHANICA-TEST')
    const tokenViaForeignHost = await raw(host.port, `/?token=${host.token}`, { Host: `evil.example:${host.port}` })
    expect(tokenViaForeignHost.status).toBe(421)
    expect(tokenViaForeignHost.headers['set-cookie']).toBeUndefined()
    const otherPort = await raw(host.port, '/', { Host: `127.0.0.1:${host.port + 1}`, Cookie: cookie })
    expect(otherPort.status).toBe(421)

    const post = await fetch(`${base}${host.appPath}`, { method: 'POST', headers: { Cookie: cookie }, body: 'x' })
    expect(post.status).toBe(405)
    expect(await post.text()).not.toContain('MECHANICA-TEST')
  })

  // Regression: a protocol-relative Location (//host) would leave the app.
  it('the token redirect never points at another host', async () => {
    const { host } = current()
    const res = await raw(host.port, `/.//evil.example/?token=${host.token}`, { Host: `127.0.0.1:${host.port}` })
    expect(res.status).toBe(303)
    expect(String(res.headers.location)).not.toMatch(/^\/\//)
  })
})
