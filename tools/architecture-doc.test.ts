import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { events } from '../src/shared/contract/events'
import { methods } from '../src/shared/contract/methods'
import { agentMethods, engineMethods, inferenceMethods } from '../src/shared/contract/protocol'
import { labIds } from '../src/main/labs/registry'

// docs/architecture.md is the design of record: it must name what the code has, and name
// nothing the code lacks. (An earlier version listed 7 of 31 methods and a file that was gone.)
const root = join(__dirname, '..')
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8')
const named = (name: string): boolean => doc.includes(`\`${name}\``)

describe('docs/architecture.md is drawn from the code', () => {
  it('names every API method and event', () => {
    expect(Object.keys(methods).filter((m) => !named(m))).toEqual([])
    expect(Object.keys(events).filter((e) => !named(e))).toEqual([])
  })

  it('names every service method', () => {
    expect([...Object.keys(engineMethods), ...Object.keys(inferenceMethods), ...Object.keys(agentMethods)].filter((m) => !named(m))).toEqual([])
  })

  it('names every lab', () => {
    expect(labIds().filter((id) => !named(id))).toEqual([])
  })

  it('points only at files and folders that exist', () => {
    const paths = [...doc.matchAll(/`((?:src|tools|bench|e2e|docs|resources)\/[A-Za-z0-9_./<>-]+)`/g)].map((m) => m[1]!).filter((p) => !p.includes('<'))
    expect(paths.length).toBeGreaterThan(20)
    expect(paths.filter((p) => !existsSync(join(root, p.replace(/\/$/, ''))))).toEqual([])
  })
})
