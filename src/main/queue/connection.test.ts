import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseQueueUrl } from './connection'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-queue-url-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('queue URL', () => {
  it('reads host, port and database, and prints no password', () => {
    const q = parseQueueUrl('redis://sweeper:s3cr%40t@127.0.0.1:6390/2')
    expect(q.connection).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, username: 'sweeper', password: 's3cr@t', maxRetriesPerRequest: null })
    expect(q.connection.tls).toBeUndefined()
    expect(q.display).toBe('redis://sweeper@127.0.0.1:6390/2')
    expect(q.remote).toBe(false)
  })

  it('defaults to port 6379 and database 0, and takes the password from MECHANICA_REDIS_PASSWORD', () => {
    const q = parseQueueUrl('redis://localhost', { env: { MECHANICA_REDIS_PASSWORD: 'from-env' } })
    expect(q.connection).toMatchObject({ host: 'localhost', port: 6379, db: 0, password: 'from-env' })
  })

  it('refuses a Redis on another host unless --allow-remote is given', () => {
    expect(() => parseQueueUrl('redis://10.1.2.3:6379')).toThrow(/10\.1\.2\.3 is not this machine; pass --allow-remote/)
    expect(parseQueueUrl('redis://10.1.2.3:6379', { allowRemote: true }).remote).toBe(true)
    expect(parseQueueUrl('redis://[::1]:6379').remote).toBe(false)
  })

  it('uses TLS for rediss://, with a CA file from --redis-ca or ca=', () => {
    const ca = join(dir, 'ca.pem')
    writeFileSync(ca, 'CERT')
    expect(parseQueueUrl('rediss://127.0.0.1:6380', { caFile: ca }).connection.tls).toEqual({ ca: Buffer.from('CERT'), rejectUnauthorized: true })
    expect(parseQueueUrl(`rediss://127.0.0.1:6380?ca=${ca}&servername=redis.lan`).connection.tls).toEqual({ ca: Buffer.from('CERT'), servername: 'redis.lan', rejectUnauthorized: true })
    expect(() => parseQueueUrl('redis://127.0.0.1', { caFile: ca })).toThrow(/needs a rediss:\/\/ URL/)
    expect(() => parseQueueUrl('rediss://127.0.0.1', { caFile: join(dir, 'missing.pem') })).toThrow(/cannot read the Redis CA certificate/)
  })

  it('names what is wrong with a bad URL', () => {
    expect(() => parseQueueUrl('http://127.0.0.1:6379')).toThrow(/must start with redis:\/\/ or rediss:\/\//)
    expect(() => parseQueueUrl('not a url')).toThrow(/must be a URL like redis:\/\/127\.0\.0\.1:6379/)
    expect(() => parseQueueUrl('redis://127.0.0.1/x')).toThrow(/database number/)
    expect(() => parseQueueUrl('redis://127.0.0.1?tls=1')).toThrow(/unknown parameter "tls"/)
  })
})
