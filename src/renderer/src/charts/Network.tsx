import { useMemo, useState } from 'react'
import { formatValue, rgbCss, type ColourScale } from './colour-scale'
import { networkModel } from './network-model'

export interface NetworkProps {
  /** One frame of a network surface: N rows of (N exposures, then the node quantities). */
  values: ArrayLike<number>
  nodes: { name: string; labels: readonly string[] }
  link: { labels: readonly string[] }
  unit: string
  /** Colours the nodes by their first quantity (over the run's range) and the links by the flow along them. */
  scale: ColourScale
  size?: number
}

const LINK_COLOUR = [125, 138, 153] as const

/**
 * A network surface: nodes on a circle coloured by their first quantity (distress), sized by the
 * second; a link per non-zero exposure, its width the exposure, its colour the flow back along it
 * (exposure × the first quantity of the node it points to: the contagion paths). Hover a node
 * for its quantities and its largest exposures.
 */
export function Network({ values, nodes, link, unit, scale, size = 460 }: NetworkProps) {
  const [hover, setHover] = useState<number | null>(null)
  const centre = size / 2
  const model = useMemo(() => networkModel(values, nodes.labels, link.labels, centre, centre, centre - 46), [values, nodes.labels, link.labels, centre])
  const second = model.nodes.map((n) => n.quantities[1] ?? 1)
  const largest = Math.max(...second.map(Math.abs), 1e-300)
  const radius = (i: number): number => (model.quantityNames.length > 1 ? 5 + 9 * Math.sqrt(Math.abs(second[i]!) / largest) : 9)
  const colourOf = (v: number): string => rgbCss(Number.isFinite(v) ? scale.colour(v) : [40, 40, 40])
  const hovered = hover === null ? null : model.nodes[hover]!
  const span = Math.max(Math.abs(scale.min), Math.abs(scale.max))
  return (
    <div className="network" data-testid="network" data-nodes={model.nodes.length} data-links={model.links.length}>
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={`${nodes.name} network`}>
        <g data-testid="network-links">
          {model.links.map((l) => {
            const a = model.nodes[l.from]!
            const b = model.nodes[l.to]!
            const strength = model.maxWeight > 0 ? Math.abs(l.weight) / model.maxWeight : 0
            const lit = hover === null || hover === l.from || hover === l.to
            const flowing = l.flow !== 0 && Number.isFinite(l.flow)
            return (
              <line
                key={`${l.from}-${l.to}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                stroke={flowing ? colourOf(l.flow / Math.max(Math.abs(l.weight), 1e-300)) : rgbCss(LINK_COLOUR)}
                strokeWidth={0.6 + 3.4 * strength}
                strokeOpacity={lit ? 0.25 + 0.6 * strength : 0.06}
              />
            )
          })}
        </g>
        <g data-testid="network-nodes">
          {model.nodes.map((n, i) => (
            <g key={n.label} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)} data-testid="network-node" data-value={String(n.quantities[0] ?? '')}>
              <circle cx={n.x} cy={n.y} r={radius(i)} fill={colourOf(n.quantities[0] ?? Number.NaN)} stroke={hover === i ? 'var(--accent, #58a6ff)' : 'var(--border, #30363d)'} strokeWidth={hover === i ? 2 : 1} />
              <text
                x={centre + (n.x - centre) * 1.13}
                y={centre + (n.y - centre) * 1.13}
                textAnchor="middle"
                dominantBaseline="middle"
                className="network-label mono"
              >
                {n.label}
              </text>
            </g>
          ))}
        </g>
      </svg>
      {hovered && (
        <div className="chart-tooltip network-tooltip" style={{ left: size + 8 }} data-testid="network-tooltip">
          <b>
            {nodes.name} {hovered.label}
          </b>
          {model.quantityNames.map((q, k) => (
            <div key={q}>
              {q}: <b>{formatValue(hovered.quantities[k]!)}</b>
            </div>
          ))}
          <div className="muted">
            largest exposures ({unit}):{' '}
            {model.links
              .filter((l) => l.from === hover)
              .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
              .slice(0, 3)
              .map((l) => `${model.nodes[l.to]!.label} ${formatValue(l.weight)}`)
              .join(', ') || 'none'}
          </div>
        </div>
      )}
      <div className="colour-legend">
        <span>{formatValue(scale.min, span)}</span>
        <svg width={160} height={10}>
          {Array.from({ length: 32 }, (_, k) => (
            <rect key={k} x={k * 5} y={0} width={5} height={10} fill={rgbCss(scale.colour(scale.min + ((scale.max - scale.min) * k) / 31))} />
          ))}
        </svg>
        <span>{formatValue(scale.max, span)}</span>
        <span>
          node colour: {model.quantityNames[0] ?? '—'}
          {model.quantityNames.length > 1 ? ` · node size: ${model.quantityNames[1]}` : ''} · link width: exposure ({unit}) · link colour: exposure × {model.quantityNames[0] ?? ''} of the
          node it points to
        </span>
      </div>
    </div>
  )
}
