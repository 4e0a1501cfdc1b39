import { useEffect, useMemo, useRef, useState } from 'react'
import type { TerrainBar } from '../../../../shared/contract'
import { hiDpiContext } from '../../charts/canvas'
import { colourScale, formatValue, rgbCss } from '../../charts/colour-scale'
import { cssVar, seriesColour } from '../../charts/theme'
import { circularByCluster, edgesAbove, strongestEdges, type NodePosition, type TerrainEdge } from './terrain-model'

// The asset network at the scrubbed bar: nodes on a circle, one arc per Ward watershed; an edge
// for every pair whose |ρ| reaches the threshold, its width |ρ| and its colour the edge's own
// hardness (soft → hard: how stable its correlation has been); the pairs in the fault-alert
// state at the bar drawn dashed in the warning colour on top. Edges are painted on a canvas
// under the SVG nodes: at 100 assets a bar has thousands above the threshold, and as SVG lines
// each scrub cost React and layout hundreds of ms.

const HARDNESS = colourScale(0, 1)
/** Most edges drawn (strongest first): beyond a few thousand lines the picture is a blur. */
const MAX_PLAIN = 1500
const MAX_ALERTS = 500

function paintEdges(canvas: HTMLCanvasElement | null, size: number, edges: readonly TerrainEdge[], nodes: readonly NodePosition[], hover: number | null, alertOpacity: number): void {
  const g = hiDpiContext(canvas, size, size)
  if (!g) return
  const warn = cssVar('--warn') || '#d29922'
  const muted = cssVar('--muted') || '#7d8a99'
  for (const e of edges) {
    const a = nodes[e.a]!
    const b = nodes[e.b]!
    const lit = hover === null || hover === e.a || hover === e.b
    g.strokeStyle = e.alert ? warn : Number.isFinite(e.hardness) ? rgbCss(HARDNESS.colour(e.hardness)) : muted
    g.lineWidth = e.alert ? 1.4 : 0.5 + 3 * Math.abs(e.rho) ** 2
    g.globalAlpha = lit ? (e.alert ? alertOpacity : 0.3 + 0.55 * Math.abs(e.rho)) : 0.05
    g.setLineDash(e.alert ? [5, 3] : e.rho < 0 ? [2, 2] : [])
    g.beginPath()
    g.moveTo(a.x, a.y)
    g.lineTo(b.x, b.y)
    g.stroke()
  }
  g.globalAlpha = 1
  g.setLineDash([])
}

export function AssetNetwork({ bar, assets, threshold, size = 420 }: { bar: TerrainBar; assets: readonly string[]; threshold: number; size?: number }) {
  const [hover, setHover] = useState<number | null>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const n = bar.order.length
  const c = size / 2
  const radius = c - 72
  const nodes = useMemo(() => circularByCluster(bar.watershed, c, c, radius), [bar.watershed, c, radius])
  const all = useMemo(() => edgesAbove(bar.correlation, n, threshold, bar.edgeHardness, bar.alerts), [bar, n, threshold])
  const edges = useMemo(() => strongestEdges(all, MAX_PLAIN, MAX_ALERTS), [all])
  const mostAlerts = Math.max(1, ...Array.from(bar.nodeAlerts))
  const plain = all.length - bar.alerts.length
  const drawnPlain = edges.filter((e) => !e.alert).length
  // Many alerts at once (the start-up crowd after fault_min_history) draw lighter.
  const alertOpacity = edges.length - drawnPlain > 24 ? 0.45 : 0.9
  useEffect(() => paintEdges(canvasRef.current, size, edges, nodes, hover, alertOpacity), [size, edges, nodes, hover, alertOpacity])
  return (
    <div className="terrain-network" data-testid="terrain-network" data-edges={plain} data-alert-edges={bar.alerts.length} data-drawn={edges.length}>
      <canvas ref={canvasRef} className="terrain-network-edges" style={{ width: size, height: size }} aria-hidden />
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label="Asset network at the bar">
        <g>
          {nodes.map((p, k) => {
            const alerts = bar.nodeAlerts[k]!
            const h = bar.nodeHardness[k]!
            const outside = 1 + 20 / radius
            const anchor = Math.sin(p.angle) > 0.2 ? 'start' : Math.sin(p.angle) < -0.2 ? 'end' : 'middle'
            return (
              <g key={bar.order[k]} onMouseEnter={() => setHover(k)} onMouseLeave={() => setHover(null)} data-testid="terrain-node" data-asset={assets[bar.order[k]!]}>
                {alerts > 0 && <circle cx={p.x} cy={p.y} r={7 + 6 * Math.sqrt(alerts / mostAlerts)} fill="none" stroke="var(--warn)" strokeOpacity={0.8} />}
                <circle cx={p.x} cy={p.y} r={6} fill={seriesColour(bar.watershed[k]!)} stroke={hover === k ? 'var(--text)' : 'var(--bg)'} strokeWidth={hover === k ? 2 : 1} opacity={Number.isFinite(h) ? 0.45 + 0.55 * h : 0.6} />
                <text x={c + (p.x - c) * outside} y={c + (p.y - c) * outside} textAnchor={anchor} dominantBaseline="middle" className="network-label mono">
                  {assets[bar.order[k]!]}
                </text>
              </g>
            )
          })}
        </g>
      </svg>
      {hover !== null && (
        <div className="chart-tooltip terrain-node-tip" data-testid="terrain-node-tooltip">
          <b className="mono">{assets[bar.order[hover]!]}</b> · watershed {bar.watershed[hover]! + 1}
          <div>
            node hardness <b>{formatValue(bar.nodeHardness[hover]!, 1)}</b> · alert pairs <b>{bar.nodeAlerts[hover]}</b>
          </div>
          <div className="muted">
            strongest:{' '}
            {edges
              .filter((e) => e.a === hover || e.b === hover)
              .sort((x, y) => Math.abs(y.rho) - Math.abs(x.rho))
              .slice(0, 3)
              .map((e) => `${assets[bar.order[e.a === hover ? e.b : e.a]!]} ρ ${formatValue(e.rho, 1)} (hardness ${formatValue(e.hardness, 1)})`)
              .join(', ') || 'none above the threshold'}
          </div>
        </div>
      )}
      <div className="colour-legend">
        <span>soft</span>
        <svg width={100} height={10} aria-hidden>
          {Array.from({ length: 20 }, (_, k) => (
            <rect key={k} x={k * 5} y={0} width={5} height={10} fill={rgbCss(HARDNESS.colour(k / 19))} />
          ))}
        </svg>
        <span>hard</span>
        <span>
          {plain} edges |ρ| ≥ {threshold.toFixed(2)}
          {edges.length < all.length ? ` (strongest ${drawnPlain} and ${edges.length - drawnPlain} of ${bar.alerts.length} alert pairs drawn)` : ''} (dotted: ρ &lt; 0) · colour: edge hardness · <span className="terrain-warn">dashed: pair in fault alert</span> · ring: alert pairs
        </span>
      </div>
    </div>
  )
}
