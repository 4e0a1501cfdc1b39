import { describe, expect, it } from 'vitest'
import { networkModel } from './network-model'

// Three nodes A, B, C; the link axis is A, B, C, then distress and equity per node.
const labels = ['A', 'B', 'C']
const link = ['A', 'B', 'C', 'distress', 'equity']
// prettier-ignore
const frame = [
  0, 0.7, 0.3, 0.1, 1.0,
  0.5, 0, 0.5, 0.4, 0.6,
  1, 0, 0, 0, 1.4
]

describe('network surface model', () => {
  it('puts the nodes on a circle, first at the top, with their quantities', () => {
    const m = networkModel(frame, labels, link, 100, 100, 50)
    expect(m.quantityNames).toEqual(['distress', 'equity'])
    expect(m.nodes.map((n) => n.quantities)).toEqual([
      [0.1, 1.0],
      [0.4, 0.6],
      [0, 1.4]
    ])
    expect(m.nodes[0]!.x).toBeCloseTo(100, 12)
    expect(m.nodes[0]!.y).toBeCloseTo(50, 12)
    for (const node of m.nodes) expect(Math.hypot(node.x - 100, node.y - 100)).toBeCloseTo(50, 12)
  })

  it('keeps every non-zero off-diagonal exposure as a link, its flow the exposure times the distress it points to', () => {
    const m = networkModel(frame, labels, link, 0, 0, 1)
    expect(m.links).toHaveLength(5)
    expect(m.maxWeight).toBe(1)
    const ab = m.links.find((l) => l.from === 0 && l.to === 1)!
    expect(ab.weight).toBe(0.7)
    expect(ab.flow).toBeCloseTo(0.7 * 0.4, 15)
    // C → A: weight 1 to a node with distress 0.1
    expect(m.links.find((l) => l.from === 2 && l.to === 0)!.flow).toBeCloseTo(0.1, 15)
    // drawn weakest first: the largest flow comes last
    expect(m.links.at(-1)).toMatchObject({ from: 0, to: 1 })
  })
})
