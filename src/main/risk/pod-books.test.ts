import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { netBlocks } from '../../shared/contract/memo-sections'
import { runAndStore } from '../runs/store-run'
import { openDatabase, type Db } from '../store/database'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { CODE_VERSION } from '../version'
import { netExposure, type PodBook } from './pod-books'
import { readPodExposure } from './pods'
import { PortfolioService } from './portfolio-service'
import { fixedClock } from './test-support'

// Net exposure in the book summary: per pod in its own unit, summed over the book only where
// every pod keeps a compound ledger (positions in fraction of equity).

const book = (runId: number, ledger: PodBook['ledger'], net: number[]): PodBook => ({
  runId,
  lab: `lab-${runId}`,
  ledger,
  unit: ledger === 'compound' ? 'fraction of equity' : 'lab units',
  leverage: Float64Array.from(net, Math.abs),
  net: Float64Array.from(net)
})
const share = [Float64Array.of(0.6, 0.5, 0.4), Float64Array.of(0.4, 0.5, 0.6)]

describe('net exposure of a book of pods', () => {
  it('sums the pods’ nets by their share of the book when every pod is in fraction of equity', () => {
    const n = netExposure([book(1, 'compound', [0.5, -1, 2]), book(2, 'compound', [1, 1, -1])], share)
    // Book net per step: 0.6·0.5 + 0.4·1 = 0.7, 0.5·(−1) + 0.5·1 = 0, 0.4·2 + 0.6·(−1) = 0.2.
    expect(n.total).toBeCloseTo(0.2, 15)
    expect(n.worst).toEqual({ value: 0.7, at: 0 })
    expect(n.note).toBeNull()
    expect(n.pods.map((p) => [p.last, p.min, p.max])).toEqual([
      [2, -1, 2],
      [-1, -1, 1]
    ])
    expect(n.pods[0]!.inBook).toBeCloseTo(0.8, 15)
    expect(n.pods[1]!.inBook).toBeCloseTo(-0.6, 15)
  })

  it('shows a pod in lots per pod only, and says why there is no total', () => {
    const n = netExposure([book(1, 'compound', [0.5, -1, 2]), book(7, 'additive', [100, 0, -40])], share)
    expect(n.total).toBeNull()
    expect(n.worst).toBeNull()
    expect(n.note).toBe('no total net: #7 (lab-7) keeps an additive ledger, positions in lots or notional, not a fraction of equity')
    expect(n.pods[1]).toMatchObject({ unit: 'lab units', last: -40, min: -40, max: 100, inBook: null })
    expect(n.pods[0]!.inBook).toBeCloseTo(0.8, 15)
  })

  it('states the book’s net in the memo, or why it has none, with each pod’s own net', () => {
    const all = netBlocks(netExposure([book(1, 'compound', [0.5, -1, 2]), book(2, 'compound', [1, 1, -1])], share))
    // The numbers above: total 0.2 at the last step, largest 0.7 at step 0; in the book 0.4·2 = 0.8 and 0.6·(−1) = −0.6.
    expect(all[0]).toEqual({ kind: 'text', text: "Net exposure of the book (Σ share × the pod's net, in fraction of equity): 20% at the last step, largest 70% at step 0." })
    expect(all[1]).toMatchObject({
      kind: 'table',
      head: ['pod', 'lab', 'ledger', 'net at last step', 'lowest', 'highest', 'in the book'],
      rows: [
        ['#1', 'lab-1', 'compound', '200%', '-100%', '200%', '80%'],
        ['#2', 'lab-2', 'compound', '-100%', '-100%', '100%', '-60%']
      ]
    })
    const mixed = netBlocks(netExposure([book(1, 'compound', [0.5, -1, 2]), book(7, 'additive', [100, 0, -40])], share))
    expect(mixed[0]).toEqual({ kind: 'text', text: 'Net exposure per pod only, no total for the book, because #7 (lab-7) keeps an additive ledger, positions in lots or notional, not a fraction of equity.' })
    expect((mixed[1] as { rows: string[][] }).rows[1]).toEqual(['#7', 'lab-7', 'additive', '-40 (lab units)', '-40 (lab units)', '100 (lab units)', '—'])
    expect(netBlocks(undefined)).toEqual([])
  })
})

describe('the stored portfolio’s summary', () => {
  let db: Db
  let service: PortfolioService
  beforeAll(async () => {
    db = openDatabase(':memory:')
    const runs = new RunsRepository(db)
    const specs: LabRunSpec[] = [
      { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: {} },
      { task: 'lab', lab: 'fx-carry', preset: 'corrected', seed: 8, overrides: {} },
      { task: 'lab', lab: 'microstructure', preset: 'crowded_execution', seed: 3, overrides: {} }
    ]
    for (const spec of specs) {
      const stored = await runAndStore(runs, spec, { clock: fixedClock, codeVersion: CODE_VERSION })
      if (!stored.output) throw stored.error
    }
    service = new PortfolioService(runs, new PortfoliosRepository(db), fixedClock)
  }, 120_000)
  afterAll(() => db.close())

  it('carries each pod’s signed net from its decision log, and the book’s net for two fx-carry pods', async () => {
    const d = await service.create({ name: 'carry', runIds: [1, 2], scheme: 'equal', rebalanceEvery: 100_000 })
    const net = d.summary.net!
    const runs = new RunsRepository(db)
    const T = d.summary.steps - 1
    const own = [1, 2].map((id) => readPodExposure(runs, id).net.subarray(0, T))
    expect(net.pods.map((p) => [p.ledger, p.unit, p.last])).toEqual(own.map((o) => ['compound', 'fraction of equity', o[T - 1]]))
    // Held without rebalancing after step 0, each pod's share drifts with its returns; the book's net is Σ share × net.
    const shares = d.series.exposure.map((e) => e.at(-1)!)
    expect(net.total).toBeCloseTo(shares[0]! * own[0]![T - 1]! + shares[1]! * own[1]![T - 1]!, 12)
    expect(net.pods[0]!.inBook! + net.pods[1]!.inBook!).toBeCloseTo(net.total!, 14)
    expect(Math.abs(net.worst!.value)).toBeGreaterThanOrEqual(Math.abs(net.total!))
    expect((await service.get(d.portfolio.id)).summary.net).toEqual(net)
  })

  it('shows the microstructure pod in lots with no book total', async () => {
    const d = await service.create({ name: 'mixed', runIds: [1, 3], scheme: 'equal', align: 'common' })
    const net = d.summary.net!
    expect(net.total).toBeNull()
    expect(net.note).toBe('no total net: #3 (microstructure) keeps an additive ledger, positions in lots or notional, not a fraction of equity')
    expect(net.pods[1]).toMatchObject({ runId: 3, ledger: 'additive', unit: 'lab units', inBook: null })
  })
})
