import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// For tests: a real redis-server (Debian's; `tools/bootstrap.mjs --for-tests` installs it) on a
// free loopback port, with an append-only file in a temporary folder so that a restart keeps
// the queue, as a production Redis would. The test that starts one stops it.

export const REDIS_SERVER = process.env.MECHANICA_REDIS_SERVER ?? '/usr/bin/redis-server'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

export class RedisTestServer {
  private child: ChildProcess | null = null

  private constructor(
    readonly port: number,
    readonly dir: string
  ) {}

  static async start(): Promise<RedisTestServer> {
    const server = new RedisTestServer(await freePort(), mkdtempSync(join(tmpdir(), 'mechanica-redis-')))
    await server.launch()
    return server
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  private async launch(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData)
          child.stdout?.resume()
          resolve()
        }
      }
      child.stdout?.on('data', onData)
      child.once('error', (error) => reject(new Error(`cannot start ${REDIS_SERVER}: ${error.message}`)))
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-500)}`)))
    })
    child.stderr?.resume()
  }

  /** Stops Redis (it writes its append-only file first) and waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }

  async restart(): Promise<void> {
    await this.stop()
    await this.launch()
  }

  async dispose(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
