import { readFileSync } from 'node:fs'

/** A queue URL or option the user gave that cannot be used: one line, naming what was wrong. */
export class QueueConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'QueueConfigError'
  }
}

/** What ioredis needs to reach the queue's Redis (passed to BullMQ as `connection`). */
export interface RedisConnectionOptions {
  host: string
  port: number
  db: number
  username?: string
  password?: string
  tls?: { ca?: Buffer; servername?: string; rejectUnauthorized: boolean }
  /** BullMQ's workers block on Redis: a command waits for a reconnect instead of failing. */
  maxRetriesPerRequest: null
}

export interface QueueEndpoint {
  connection: RedisConnectionOptions
  /** The URL as it may be printed and stored: never the password. */
  display: string
  remote: boolean
}

export interface QueueOptions {
  /** A Redis on another host is refused unless the user says so. */
  allowRemote?: boolean
  /** A CA certificate file for TLS (`rediss://`), like the URL's `ca=` parameter. */
  caFile?: string
  /** MECHANICA_REDIS_PASSWORD: keeps the password off the command line and out of `ps`. */
  env?: NodeJS.ProcessEnv
  /** The password given apart from the URL (the app's settings); the URL's own wins. */
  password?: string
  /** TLS server name to verify, and no verification at all (like the URL's servername= and insecure=1). */
  servername?: string
  insecure?: boolean
  /** How messages name the URL (the CLI's flag, or the settings field) and how to allow a remote host. */
  field?: string
  allowRemoteHint?: string
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host)
}

/**
 * Reads `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS), with the optional
 * URL parameters `ca=FILE`, `servername=NAME` and `insecure=1` (TLS without verifying the
 * server: for a test set-up only). Loopback only unless `allowRemote`: a sweep's specs and
 * results would otherwise cross the network to whoever holds that address.
 */
export function parseQueueUrl(text: string, options: QueueOptions = {}): QueueEndpoint {
  const field = options.field ?? '--queue'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new QueueConfigError(`${field} must be a URL like redis://127.0.0.1:6379 (got ${JSON.stringify(text)})`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new QueueConfigError(`${field} must start with redis:// or rediss:// (got ${url.protocol}//)`)
  const host = url.hostname
  if (!host) throw new QueueConfigError(`${field} needs a host, like redis://127.0.0.1:6379`)
  const port = url.port === '' ? 6379 : Number(url.port)
  const dbText = url.pathname.replace(/^\//, '')
  const db = dbText === '' ? 0 : Number(dbText)
  if (!/^\d{0,2}$/.test(dbText) || !Number.isInteger(db)) throw new QueueConfigError(`${field}'s database number must be a whole number (got ${JSON.stringify(dbText)})`)
  const known = new Set(['ca', 'servername', 'insecure'])
  for (const key of url.searchParams.keys()) {
    if (!known.has(key)) throw new QueueConfigError(`${field} has an unknown parameter ${JSON.stringify(key)} (known: ca, servername, insecure)`)
  }
  const remote = !isLoopback(host)
  if (remote && !options.allowRemote) {
    throw new QueueConfigError(`${field} ${host} is not this machine; ${options.allowRemoteHint ?? 'pass --allow-remote'} to use a Redis on another host (and give it a password and TLS: rediss://user:password@host)`)
  }
  const tlsWanted = url.protocol === 'rediss:'
  const caFile = url.searchParams.get('ca') ?? options.caFile
  if (caFile && !tlsWanted) throw new QueueConfigError('a CA certificate (--redis-ca or ca=) needs a rediss:// URL')
  if ((options.servername || options.insecure) && !tlsWanted) throw new QueueConfigError(`TLS options need a rediss:// URL in ${field}`)
  let ca: Buffer | undefined
  if (caFile) {
    try {
      ca = readFileSync(caFile)
    } catch (error) {
      throw new QueueConfigError(`cannot read the Redis CA certificate ${caFile}: ${(error as Error).message}`)
    }
  }
  const password = url.password ? decodeURIComponent(url.password) : options.password || options.env?.MECHANICA_REDIS_PASSWORD || undefined
  const username = url.username ? decodeURIComponent(url.username) : undefined
  const servername = url.searchParams.get('servername') ?? options.servername ?? undefined
  const insecure = url.searchParams.get('insecure') === '1' || options.insecure === true
  const connection: RedisConnectionOptions = {
    host: host.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tlsWanted ? { tls: { ...(ca ? { ca } : {}), ...(servername ? { servername } : {}), rejectUnauthorized: !insecure } } : {}),
    maxRetriesPerRequest: null
  }
  const display = `${url.protocol}//${username ? `${username}@` : ''}${url.host}${db ? `/${db}` : ''}`
  return { connection, display, remote }
}
