import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ChainCursor, LINK_BYTES, chainEntries, chainRun, reviewLink, type StepColumnsView, type StoredEvent, type StoredReview, type StoredStepChunk } from './chain'
import { verifyChain, type StoredEntry } from './verify'

function syntheticRun(n: number, seed = 1): { view: StepColumnsView; events: StoredEvent[] } {
  let x = seed
  const next = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const col = (f: (i: number) => number, k = 1) => Float64Array.from({ length: n * k }, (_, i) => f(i))
  const view: StepColumnsView = {
    legs: ['a', 'b'],
    actionNames: ['HOLD', 'BUY'],
    regimeNames: ['calm', 'stress'],
    sourceNames: ['BASELINE'],
    rationales: ['r0', 'r1'],
    t: Int32Array.from({ length: n }, (_, i) => i),
    regime: Int32Array.from({ length: n }, () => (next() < 0.2 ? 1 : 0)),
    action: Int32Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)),
    source: new Int32Array(n),
    rationale: Int32Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)),
    position: col(() => next(), 2),
    trade: col(() => next() - 0.5, 2),
    cost: col(() => next() * 1e-3),
    costByComponent: { fee: col(() => next() * 1e-3) },
    pnlByComponent: { price: col(() => next() - 0.5) },
    netPnl: col(() => next() - 0.5),
    equity: col((i) => 100 + i),
    drawdown: col(() => next() * 0.1),
    leverage: col(() => next())
  }
  const events: StoredEvent[] = []
  for (let t = 3; t < n; t += 7) events.push({ t, rule: 'max_leverage', message: `clipped at ${t}`, before: [1.5], after: [1], seq: events.length, link: null })
  return { view, events }
}

/** The run as stored: one chunk holding every step, links from chainRun. */
function stored(n: number) {
  const { view, events } = syntheticRun(n)
  const chain = chainRun(view, events)
  const withLinks = events.map((e, i) => ({ ...e, link: chain.eventLinks.subarray(i * LINK_BYTES, (i + 1) * LINK_BYTES) }))
  return { view, events: withLinks, chain, chunks: [{ view, links: chain.stepLinks }] as StoredStepChunk[] }
}

const entries = (s: ReturnType<typeof stored>, reviews: StoredReview[] = []): StoredEntry[] => [...chainEntries(s.chunks, s.events, reviews)]

describe('hash-chained decision log', () => {
  it('verifies an untouched log to its recorded head', () => {
    const s = stored(40)
    const report = verifyChain(entries(s), { head: s.chain.head, steps: 40 })
    expect(report).toMatchObject({ status: 'intact', verified: 40 + s.events.length, head: s.chain.head, firstBreak: null })
  })

  it('is deterministic and sensitive to every value', () => {
    const a = stored(30)
    expect(stored(30).chain.head).toBe(a.chain.head)
    const { view, events } = syntheticRun(30)
    ;(view.leverage as Float64Array)[29] = Math.fround(0.1) + 1e-12
    expect(chainRun(view, events).head).not.toBe(a.chain.head)
  })

  it('reports a changed step at its position', () => {
    const s = stored(40)
    const equity = s.view.equity as Float64Array
    equity[10] = equity[10]! + 0.01
    const report = verifyChain(entries(s), { head: s.chain.head, steps: 40 })
    expect(report.status).toBe('broken')
    expect(report.firstBreak).toMatchObject({ kind: 'step', index: 10, problem: 'changed' })
    // steps 0…10 plus the events at t = 3 and t = 10 precede the break
    expect(report.firstBreak?.position).toBe(10 + 1)
  })

  it('reports a changed name table (the rationale text a step points at)', () => {
    const s = stored(20)
    ;(s.view.rationales as string[])[1] = 'a nicer story'
    const first = Array.from(s.view.rationale).indexOf(1)
    expect(verifyChain(entries(s), { head: s.chain.head, steps: 20 }).firstBreak).toMatchObject({ kind: 'step', index: first, problem: 'changed' })
  })

  it('reports a deleted, an inserted and two swapped steps', () => {
    const base = stored(20)
    const all = entries(base)
    const at = (t: number) => all.findIndex((e) => e.kind === 'step' && e.index === t)
    const deleted = all.filter((_, i) => i !== at(8))
    expect(verifyChain(deleted, { head: base.chain.head, steps: 20 }).firstBreak).toMatchObject({ index: 9, problem: 'deleted' })
    const inserted = [...all.slice(0, at(8)), { ...all[at(7)]!, index: 8 }, ...all.slice(at(8))]
    expect(verifyChain(inserted, { head: base.chain.head, steps: 20 }).firstBreak).toMatchObject({ index: 8, problem: 'inserted' })
    const duplicated = [...all.slice(0, at(8)), all[at(7)]!, ...all.slice(at(8))]
    expect(verifyChain(duplicated, { head: base.chain.head, steps: 20 }).firstBreak).toMatchObject({ index: 7, problem: 'inserted' })
    const swapped = [...all]
    ;[swapped[at(12)], swapped[at(13)]] = [swapped[at(13)]!, swapped[at(12)]!]
    expect(verifyChain(swapped, { head: base.chain.head, steps: 20 }).firstBreak).toMatchObject({ index: 13, problem: 'reordered' })
  })

  it('reports a deleted or edited constraint event, and a truncated log', () => {
    const s = stored(30)
    const noEvent = { ...s, events: s.events.filter((e) => e.seq !== 1) }
    const report = verifyChain(entries(noEvent), { head: s.chain.head, steps: 30, eventSeqs: noEvent.events.map((e) => e.seq) })
    expect(report.firstBreak).toMatchObject({ kind: 'step', index: 11, problem: 'deleted' })
    expect(report.firstBreak?.detail).toMatch(/event #1 is missing before step 11/)
    const edited = { ...s, events: s.events.map((e) => (e.seq === 2 ? { ...e, message: 'nothing to see' } : e)) }
    expect(verifyChain(entries(edited), { head: s.chain.head, steps: 30 }).firstBreak).toMatchObject({ kind: 'event', index: 2, problem: 'changed' })
    const truncated = entries(s).filter((e) => e.t < 25)
    expect(verifyChain(truncated, { head: s.chain.head, steps: 30 }).firstBreak).toMatchObject({ index: 25, problem: 'deleted' })
  })

  it('catches a log rewritten and re-linked from a changed row on: the head differs from the recorded one', () => {
    const s = stored(15)
    ;(s.view.cost as Float64Array)[4] = 0
    const relinked = chainRun(s.view, s.events)
    const forged = { ...s, chunks: [{ view: s.view, links: relinked.stepLinks }], events: s.events.map((e, i) => ({ ...e, link: relinked.eventLinks.subarray(i * 32, (i + 1) * 32) })) }
    const report = verifyChain(entries(forged), { head: s.chain.head, steps: 15 })
    expect(report.status).toBe('broken')
    expect(report.firstBreak?.detail).toMatch(/not at the recorded head/)
  })

  it('extends through append-only reviews', () => {
    const s = stored(10)
    const review = { reviewer: 'R. Quant', at: '2026-11-22T10:00:00.000Z', verdict: 'sign-off' as const, notes: 'replayed identical' }
    const head = reviewLink(s.chain.head, review, 0)
    const reviews = [{ ...review, seq: 0, link: Buffer.from(head, 'hex') }]
    expect(verifyChain(entries(s, reviews), { head, steps: 10 })).toMatchObject({ status: 'intact', head })
    const edited = [{ ...reviews[0]!, notes: 'findings hidden' }]
    expect(verifyChain(entries(s, edited), { head, steps: 10 }).firstBreak).toMatchObject({ kind: 'review', index: 0, problem: 'changed' })
  })

  it('property: any single changed value is found at exactly its row', () => {
    const n = 25
    const s = stored(n)
    const rows = entries(s)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom('equity', 'cost', 'netPnl', 'drawdown', 'leverage'), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (t, column, delta) => {
        fc.pre(delta !== 0)
        const copy = stored(n)
        const values = copy.view[column] as Float64Array
        const before = values[t]!
        values[t] = before + delta
        fc.pre(values[t] !== before)
        const report = verifyChain(entries(copy), { head: s.chain.head, steps: n })
        expect(report.firstBreak).toMatchObject({ kind: 'step', index: t, problem: 'changed' })
        expect(report.firstBreak?.position).toBe(rows.findIndex((e) => e.kind === 'step' && e.index === t))
      }),
      { seed: 7, numRuns: 150 }
    )
  })

  it('links event values as the store keeps them: −0 as 0, non-finite as null', () => {
    const { view, events } = syntheticRun(12)
    const signed = events.map((e) => ({ ...e, before: [-0, Number.POSITIVE_INFINITY], after: [0, Number.NaN] }))
    const chain = chainRun(view, signed)
    // What JSON storage gives back
    const stored = signed.map((e, i) => ({ ...(JSON.parse(JSON.stringify(e)) as StoredEvent), link: chain.eventLinks.subarray(i * LINK_BYTES, (i + 1) * LINK_BYTES) }))
    expect(verifyChain(chainEntries([{ view, links: chain.stepLinks }], stored), { head: chain.head, steps: 12 }).status).toBe('intact')
  })

  it('says "unchained" for a log written before chaining existed', () => {
    const { view, events } = syntheticRun(5)
    expect(verifyChain(chainEntries([{ view, links: null }], events), { head: null, steps: 5 }).status).toBe('unchained')
  })

  it('property: a run chained in batches (the running link carried across) gives chainRun\'s links and head', () => {
    const n = 60
    const { view, events } = syntheticRun(n, 3)
    const whole = chainRun(view, events)
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 8 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), n]
        const cursor = new ChainCursor()
        const stepLinks: number[] = []
        const eventLinks: number[] = []
        for (let k = 0; k + 1 < bounds.length; k++) {
          // Each batch sees only the events logged up to its last step, as the engine does.
          const seen = events.filter((e) => e.t < bounds[k + 1]!)
          const last = k + 2 === bounds.length
          const batch = cursor.advance(view, bounds[k]!, bounds[k + 1]!, last ? events : seen, last)
          expect(batch.firstEvent).toBe(eventLinks.length / LINK_BYTES)
          stepLinks.push(...batch.stepLinks)
          eventLinks.push(...batch.eventLinks)
        }
        expect(Uint8Array.from(stepLinks)).toEqual(whole.stepLinks)
        expect(Uint8Array.from(eventLinks)).toEqual(whole.eventLinks)
        expect(cursor.head).toBe(whole.head)
        expect([cursor.steps, cursor.events]).toEqual([n, events.length])
      }),
      { seed: 11, numRuns: 60 }
    )
  })
})
