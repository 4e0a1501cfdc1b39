import { useEffect, useMemo, useRef, useState } from 'react'
import type { TerrainBar } from '../../../../shared/contract'
import { cellUnder, hiDpiContext } from '../../charts/canvas'
import { colourScale, formatValue, rgbCss } from '../../charts/colour-scale'
import { cssVar, seriesColour } from '../../charts/theme'
import { clusterBoundaries } from './terrain-model'

// The scrubbed bar's correlation heatmap, rows and columns in watershed order: block boundaries
// drawn across the matrix, each watershed's block outlined on the diagonal, fault-alert pairs
// ringed. Canvas: a 100-asset matrix is 10,000 cells, a 500-asset one 250,000 — drawn as one
// pixel per cell into ImageData and scaled up (one fillRect and colour string per cell cost
// hundreds of ms there); small matrices keep per-cell rectangles for their 1-px gaps.

const LABELS = 58
const SCALE = colourScale(-1, 1)
/** Cells this small get no gap between them: they are painted as pixels (ImageData) and scaled. */
const PIXEL_CELL = 6
/** The diverging scale in 1/1000 steps of ρ, looked up per cell instead of interpolated. */
const PALETTE = Array.from({ length: 2001 }, (_, k) => SCALE.colour(-1 + k / 1000))

/** The matrix as n × n RGBA pixels, one per cell (NaN grey), for drawImage to scale. */
export function matrixPixels(correlation: ArrayLike<number>, n: number): ImageData {
  const image = new ImageData(Math.max(1, n), Math.max(1, n))
  const px = image.data
  for (let k = 0; k < n * n; k++) {
    const v = correlation[k]!
    const [r, g, b] = Number.isFinite(v) ? PALETTE[Math.round((Math.min(1, Math.max(-1, v)) + 1) * 1000)]! : [40, 40, 40]
    px[4 * k] = r
    px[4 * k + 1] = g
    px[4 * k + 2] = b
    px[4 * k + 3] = 255
  }
  return image
}

export function CorrelationMatrix({ bar, assets, size = 440 }: { bar: TerrainBar; assets: readonly string[]; size?: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const [hover, setHover] = useState<{ p: number; q: number; x: number; y: number } | null>(null)
  const n = bar.order.length
  const cell = Math.max(3, Math.floor(size / Math.max(1, n)))
  const side = LABELS + n * cell + 2
  const boundaries = useMemo(() => clusterBoundaries(bar.watershed), [bar.watershed])
  const alertAt = useMemo(() => {
    const map = new Map<number, TerrainBar['alerts'][number]>()
    for (const a of bar.alerts) {
      map.set(a.a * n + a.b, a)
      map.set(a.b * n + a.a, a)
    }
    return map
  }, [bar.alerts, n])

  useEffect(() => {
    const g = hiDpiContext(canvasRef.current, side, side)
    if (!g) return
    if (cell <= PIXEL_CELL && n > 0) {
      const tile = document.createElement('canvas')
      tile.width = n
      tile.height = n
      tile.getContext('2d')!.putImageData(matrixPixels(bar.correlation, n), 0, 0)
      g.imageSmoothingEnabled = false
      g.drawImage(tile, LABELS, LABELS, n * cell, n * cell)
    } else {
      for (let p = 0; p < n; p++) {
        for (let q = 0; q < n; q++) {
          const v = bar.correlation[p * n + q]!
          g.fillStyle = rgbCss(Number.isFinite(v) ? SCALE.colour(v) : [40, 40, 40])
          g.fillRect(LABELS + q * cell, LABELS + p * cell, cell - 1, cell - 1)
        }
      }
    }
    // Watershed blocks: boundaries across the matrix, each block outlined in its colour.
    const edges = [0, ...boundaries, n]
    g.strokeStyle = cssVar('--text') || '#d6dde6'
    g.globalAlpha = 0.55
    g.lineWidth = 1
    for (const b of boundaries) {
      const at = LABELS + b * cell - 0.5
      g.beginPath()
      g.moveTo(LABELS, at)
      g.lineTo(LABELS + n * cell, at)
      g.moveTo(at, LABELS)
      g.lineTo(at, LABELS + n * cell)
      g.stroke()
    }
    g.globalAlpha = 1
    g.lineWidth = 2
    for (let k = 0; k + 1 < edges.length; k++) {
      g.strokeStyle = seriesColour(bar.watershed[edges[k]!] ?? k)
      const from = LABELS + edges[k]! * cell
      const span = (edges[k + 1]! - edges[k]!) * cell
      g.strokeRect(from - 1, from - 1, span + 1, span + 1)
      // a tab of the watershed's colour beside its labels
      g.fillStyle = seriesColour(bar.watershed[edges[k]!] ?? k)
      g.fillRect(LABELS - 4, from, 3, span - 1)
      g.fillRect(from, LABELS - 4, span - 1, 3)
    }
    // Fault-alert pairs: a corner tick in the warning colour (many alerts must not hide the matrix).
    g.fillStyle = cssVar('--warn') || '#d29922'
    const tick = Math.max(3, Math.round(cell * 0.45))
    for (const a of bar.alerts) {
      for (const [p, q] of [
        [a.a, a.b],
        [a.b, a.a]
      ] as const) {
        const x0 = LABELS + (q + 1) * cell - 1
        const y0 = LABELS + p * cell
        g.beginPath()
        g.moveTo(x0 - tick, y0)
        g.lineTo(x0, y0)
        g.lineTo(x0, y0 + tick)
        g.closePath()
        g.fill()
      }
    }
    g.fillStyle = cssVar('--muted') || '#7d8a99'
    g.font = `${Math.min(10, Math.max(7, cell - 3))}px ${cssVar('--mono') || 'monospace'}`
    g.textBaseline = 'middle'
    if (cell >= 7) {
      g.textAlign = 'right'
      for (let p = 0; p < n; p++) g.fillText(assets[bar.order[p]!] ?? '', LABELS - 7, LABELS + p * cell + cell / 2)
      g.save()
      g.rotate(-Math.PI / 2)
      g.textAlign = 'left'
      for (let q = 0; q < n; q++) g.fillText(assets[bar.order[q]!] ?? '', -(LABELS - 7), LABELS + q * cell + cell / 2)
      g.restore()
    }
  }, [bar, assets, n, cell, side, boundaries])

  const onMove = (event: React.MouseEvent<HTMLCanvasElement>): void => {
    const at = cellUnder(event, LABELS, LABELS, cell, cell, n, n)
    setHover(at && { p: at.row, q: at.column, x: at.x, y: at.y })
  }
  const value = hover ? bar.correlation[hover.p * n + hover.q]! : null
  const alert = hover ? alertAt.get(hover.p * n + hover.q) : undefined
  return (
    <div className="terrain-matrix" data-testid="terrain-matrix" data-n={n} data-alerts={bar.alerts.length} data-watersheds={boundaries.length + 1}>
      <canvas ref={canvasRef} style={{ width: side, height: side }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} data-testid="terrain-matrix-canvas" data-cell={cell} data-left={LABELS} />
      {hover && value !== null && (
        <div className="chart-tooltip" style={{ left: Math.min(hover.x + 14, side - 150), top: hover.y + 14 }} data-testid="terrain-cell-tooltip" data-value={String(value)}>
          <b className="mono">
            {assets[bar.order[hover.p]!]} × {assets[bar.order[hover.q]!]}
          </b>
          <div>
            ρ <b className="mono">{formatValue(value, 1)}</b> · watersheds {bar.watershed[hover.p]! + 1} / {bar.watershed[hover.q]! + 1}
          </div>
          {hover.p !== hover.q && (
            <div>
              edge hardness <b className="mono">{formatValue(bar.edgeHardness[hover.p * n + hover.q]!, 1)}</b>
            </div>
          )}
          {alert && (
            <div className="terrain-warn">
              in fault alert since bar {alert.entered}: {alert.z >= 0 ? '+' : ''}
              {alert.z.toFixed(2)}σ from its own norm
            </div>
          )}
        </div>
      )}
      <div className="colour-legend">
        <span>−1</span>
        <svg width={120} height={10} aria-hidden>
          {Array.from({ length: 24 }, (_, k) => (
            <rect key={k} x={k * 5} y={0} width={5} height={10} fill={rgbCss(SCALE.colour(-1 + (2 * k) / 23))} />
          ))}
        </svg>
        <span>+1</span>
        <span>ρ (short window, shrunk) · outlined: Ward watersheds · corner tick: pair in fault alert</span>
      </div>
    </div>
  )
}
