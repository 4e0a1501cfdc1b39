import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { QueueSettingsInput, type QueueSettings } from '../../shared/contract/queue'
import { parseQueueUrl, type QueueEndpoint } from './connection'

/** Where a fresh workstation looks for its queue: this machine's Redis on the default port. */
export const DEFAULT_QUEUE_URL = 'redis://127.0.0.1:6379'

/** What the settings file holds: everything but the password. */
interface StoredSettings {
  url: string
  allowRemote: boolean
  batch: number | null
  tls: { caFile?: string; servername?: string; insecure: boolean }
}

/**
 * The app's queue settings: kept in a JSON file beside the database (owner-only), except the
 * password, which lives in this process's memory only (or MECHANICA_REDIS_PASSWORD) so that it
 * is never written to disk nor sent back to a renderer.
 */
export class QueueSettingsStore {
  private stored: StoredSettings
  private password: string | undefined

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    this.stored = { url: DEFAULT_QUEUE_URL, allowRemote: false, batch: null, tls: { insecure: false } }
    if (existsSync(file)) {
      // A file that no longer parses (edited by hand, an older shape) falls back to the default, loopback.
      const parsed = QueueSettingsInput.omit({ password: true }).safeParse(JSON.parse(readFileSync(file, 'utf8')))
      if (parsed.success) this.stored = parsed.data
    }
  }

  view(): QueueSettings {
    return { ...this.stored, passwordSet: Boolean(this.password || this.env.MECHANICA_REDIS_PASSWORD), display: this.endpointOrNull()?.display ?? this.stored.url }
  }

  /** Validates as the CLI validates --queue; nothing changes (file or memory) unless it passes. */
  configure(input: QueueSettingsInput): QueueSettings {
    const parsed = QueueSettingsInput.parse(input)
    const password = parsed.password === undefined ? this.password : parsed.password || undefined
    const next: StoredSettings = { url: parsed.url, allowRemote: parsed.allowRemote, batch: parsed.batch, tls: parsed.tls }
    endpointFor(next, password, this.env)
    this.stored = next
    this.password = password
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 })
    renameSync(tmp, this.file)
    return this.view()
  }

  endpoint(): QueueEndpoint {
    return endpointFor(this.stored, this.password, this.env)
  }

  batch(): number | null {
    return this.stored.batch
  }

  private endpointOrNull(): QueueEndpoint | null {
    try {
      return this.endpoint()
    } catch {
      return null
    }
  }
}

function endpointFor(s: StoredSettings, password: string | undefined, env: NodeJS.ProcessEnv): QueueEndpoint {
  return parseQueueUrl(s.url, {
    allowRemote: s.allowRemote,
    caFile: s.tls.caFile || undefined,
    servername: s.tls.servername || undefined,
    insecure: s.tls.insecure,
    password,
    env,
    field: 'queue URL',
    allowRemoteHint: 'tick "allow a Redis on another machine"'
  })
}
