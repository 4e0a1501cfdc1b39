import type { Page } from 'playwright-core'

/**
 * Calls the workstation's API from inside the page, on a WebSocket of its own (the page's
 * cookie authenticates it), for set-up steps a test does not drive through the UI. Typed arrays
 * come back as {"$f64": base64}.
 */
export async function callApi<T = unknown>(page: Page, method: string, params: unknown): Promise<T> {
  const outcome = await callInPage(page, method, params, true)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error?.message}`)
  return outcome.value as T
}

/** The same call timed in the page: ms from sending to the parsed answer, and the answer's characters (the answer stays in the page). */
export async function timeApiCall(page: Page, method: string, params: unknown): Promise<{ ms: number; chars: number }> {
  const outcome = await callInPage(page, method, params, false)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error?.message}`)
  return { ms: outcome.ms, chars: outcome.chars }
}

function callInPage(page: Page, method: string, params: unknown, keep: boolean) {
  return page.evaluate(
    async ({ method, params, keep }) => {
      // Beside the page: the session cookie is scoped to the app's per-launch folder.
      const api = new URL('api', location.href)
      api.protocol = 'ws:'
      const socket = new WebSocket(api.href)
      await new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve()
        socket.onerror = () => reject(new Error('the API socket did not open'))
      })
      const started = performance.now()
      let chars = 0
      const reply = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        socket.onmessage = (message) => {
          const text = String(message.data)
          const data = JSON.parse(text) as { type: string; ok: boolean; value?: unknown; error?: { message: string } }
          chars = text.length
          if (data.type === 'result') resolve(data)
        }
        socket.send(JSON.stringify({ type: 'call', id: 1, method, params }))
      })
      const ms = performance.now() - started
      socket.close()
      return { ok: reply.ok, value: keep ? reply.value : null, error: reply.error, ms, chars }
    },
    { method, params, keep }
  )
}

/** Decodes a {"$f64": base64} value the wire codec produced. */
export function decodeF64(value: unknown): Float64Array {
  const tagged = (value as { $f64: string }).$f64
  const bytes = Buffer.from(tagged, 'base64')
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
}

/** Decodes a {"$f32": base64} value (matrices the engine keeps in float32). */
export function decodeF32(value: unknown): Float32Array {
  const bytes = Buffer.from((value as { $f32: string }).$f32, 'base64')
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

export async function startLabRun(page: Page, lab: string, overrides: Record<string, unknown> = {}, preset = 'faithful'): Promise<number> {
  const { run } = await callApi<{ run: { id: number } }>(page, 'runs.start', { spec: { task: 'lab', lab, preset, overrides } })
  return run.id
}

/** Opens a view by its Alt+<key> shortcut. */
export async function openView(page: Page, key: string): Promise<void> {
  await page.keyboard.press(`Alt+${key}`)
}

/** Waits until a run reaches `status` (polls the API; usable outside a test body). */
export async function waitForRun(page: Page, runId: number, status = 'completed', timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { run } = await callApi<{ run: { status: string; error: string | null } }>(page, 'runs.get', { runId })
    if (run.status === status) return
    if (run.status !== 'running') throw new Error(`run #${runId} ended ${run.status}: ${run.error ?? ''}`)
    if (Date.now() > until) throw new Error(`run #${runId} is still ${run.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
