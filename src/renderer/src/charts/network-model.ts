// The model of a network surface (layout 'network', see SurfaceLayout): nodes on a circle with
// their quantities, and the links between them. Pure: a frame in, positions and links out; the
// Network component only draws it.

export interface NetworkNode {
  index: number
  label: string
  x: number
  y: number
  /** The node's quantities, in the link axis's order after the node labels. */
  quantities: number[]
}

export interface NetworkLink {
  /** Row of the exposure: the node that holds it. */
  from: number
  /** Column: the node it is an exposure to. */
  to: number
  weight: number
  /** weight × the colouring quantity of `to`: what flows back along the link when `to` is hit (contagion). */
  flow: number
}

export interface NetworkModel {
  nodes: NetworkNode[]
  links: NetworkLink[]
  quantityNames: string[]
  maxWeight: number
}

/** Nodes evenly on a circle of `radius` around (cx, cy), the first at the top, clockwise. */
export function networkModel(frame: ArrayLike<number>, nodeLabels: readonly string[], linkLabels: readonly string[], cx: number, cy: number, radius: number): NetworkModel {
  const n = nodeLabels.length
  const width = linkLabels.length
  const quantityNames = linkLabels.slice(n)
  const nodes: NetworkNode[] = nodeLabels.map((label, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n)
    return {
      index: i,
      label,
      x: cx + radius * Math.cos(angle),
      y: cy + radius * Math.sin(angle),
      quantities: quantityNames.map((_, k) => frame[i * width + n + k]!)
    }
  })
  const links: NetworkLink[] = []
  let maxWeight = 0
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const weight = frame[i * width + j]!
      if (i === j || !(weight !== 0) || !Number.isFinite(weight)) continue
      links.push({ from: i, to: j, weight, flow: weight * (nodes[j]!.quantities[0] ?? 0) })
      maxWeight = Math.max(maxWeight, Math.abs(weight))
    }
  }
  // draw the weakest first, so the strongest links are on top
  links.sort((a, b) => Math.abs(a.flow) - Math.abs(b.flow) || Math.abs(a.weight) - Math.abs(b.weight))
  return { nodes, links, quantityNames, maxWeight }
}
