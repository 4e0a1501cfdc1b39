// How the app's files are served once signed in: index.html under a strict CSP with the first
// screen's data, assets with their types, and no path that leaves the renderer folder.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startBrowserHost } from './browser-host'
import { APP_JS, INDEX_HTML, SECRET, current, raw, useBrowserHostSandbox } from './browser-host.test-support'

useBrowserHostSandbox()

describe('browser host over HTTP', () => {
  it('with the cookie, serves index.html under a strict CSP and assets with their content type', async () => {
    const { base, cookie, host, tempDir } = current()
    const app = `${base}${host.appPath}`
    const index = await fetch(app, { headers: { Cookie: cookie } })
    expect(index.status).toBe(200)
    // The page carries the first screen's data (first-screen.ts) in one JSON block; the rest is the file.
    const page = await index.text()
    expect(page.replace(/<script type="application\/json" id="mechanica-first-screen">[^<]*<\/script>/, '')).toBe(INDEX_HTML)
    expect(page).toContain(`"databasePath":${JSON.stringify(join(tempDir, 'mechanica.db'))}`)
    // Sent in two parts (the head at once, the first screen once known): no length, chunked.
    expect(index.headers.get('content-length')).toBeNull()
    expect(index.headers.get('transfer-encoding')).toBe('chunked')
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = index.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(index.headers.get('cache-control')).toBe('no-store')

    const js = await fetch(`${app}assets/app.js`, { headers: { Cookie: cookie } })
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe(APP_JS)

    const missing = await fetch(`${app}assets/missing.js`, { headers: { Cookie: cookie } })
    expect(missing.status).toBe(404)
    await missing.text()
    const folder = await fetch(`${app}assets`, { headers: { Cookie: cookie } })
    expect(folder.status).toBe(404)
    await folder.text()
  })

  it('path traversal never returns a file outside the renderer folder', async () => {
    const { host, cookie } = current()
    const hostHeader = `127.0.0.1:${host.port}`
    const app = host.appPath
    // Escapes that URL parsing resolves first leave the app folder and meet the 401; the rest
    // reach the file server, which answers 404.
    const attempts: Array<[string, number]> = [
      [`${app}..%2f..%2fetc%2fpasswd`, 404],
      [`${app}%2e%2e/%2e%2e/etc/passwd`, 401],
      [`${app}../../etc/passwd`, 401],
      [`${app}..%2f..%2f..%2fsecret.txt`, 404],
      [`${app}%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt`, 404],
      [`${app}assets/..%2f..%2f..%2f..%2fsecret.txt`, 404],
      [`${app}..%2f..%2f..%2frenderer-private%2fsecret.txt`, 404], // a sibling folder whose name starts with the renderer's
      [`${app}..%5csecret.txt`, 404],
      [`${app}index.html%00.js`, 404],
      [`${app}%E0%A4%A`, 400] // a malformed escape
    ]
    for (const [path, status] of attempts) {
      const res = await raw(host.port, path, { Host: hostHeader, Cookie: cookie })
      expect(res.status, path).toBe(status)
      expect(res.body, path).not.toContain(SECRET)
      expect(res.body, path).not.toContain('root:')
    }
    // The same checks do not stop a legitimate nested file.
    const ok = await raw(host.port, `${app}assets/./app.js`, { Host: hostHeader, Cookie: cookie })
    expect(ok.status).toBe(200)
    expect(ok.body).toBe(APP_JS)
  })
  // Regression: a trailing slash on rendererDir once made every path fail containment.
  it('serves the app when rendererDir is given with a trailing slash', async () => {
    const { ws, rendererDir } = current()
    const slashed = await startBrowserHost({ workstation: ws, rendererDir: `${rendererDir}/` })
    try {
      const res = await raw(slashed.port, slashed.appPath, { Host: `127.0.0.1:${slashed.port}`, Cookie: slashed.cookie() })
      expect(res.status).toBe(200)
      expect(res.body).toContain('MECHANICA-TEST-INDEX')
    } finally {
      await slashed.close()
    }
  })
})
