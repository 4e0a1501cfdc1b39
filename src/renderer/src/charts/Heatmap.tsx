import { useEffect, useRef, useState } from 'react'
import { cellUnder, hiDpiContext } from './canvas'
import { formatValue, rgbCss, type ColourScale } from './colour-scale'

export interface HeatmapProps {
  /** Row-major values: rows × columns. */
  values: ArrayLike<number>
  rows: { name: string; unit: string; labels: readonly string[] }
  columns: { name: string; unit: string; labels: readonly string[] }
  unit: string
  scale: ColourScale
  /** Range the values span over the whole run, for the legend. */
  cellWidth?: number
  cellHeight?: number
}

const LEFT = 64
const TOP = 6
const BOTTOM = 34

const axisTitle = (axis: { name: string; unit: string }): string => (axis.unit ? `${axis.name} (${axis.unit})` : axis.name)

/** A 2-D surface as coloured cells with labelled axes, a colour legend and the exact value on hover. */
export function Heatmap({ values, rows, columns, unit, scale, cellWidth = 72, cellHeight = 34 }: HeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const legendRef = useRef<HTMLCanvasElement>(null)
  const [hover, setHover] = useState<{ row: number; column: number; x: number; y: number } | null>(null)
  const nRows = rows.labels.length
  const nColumns = columns.labels.length
  const width = LEFT + nColumns * cellWidth + 8
  const height = TOP + nRows * cellHeight + BOTTOM

  useEffect(() => {
    const canvas = canvasRef.current
    const context = hiDpiContext(canvas, width, height)
    if (!canvas || !context) return
    const style = getComputedStyle(canvas)
    context.font = `10px ${style.getPropertyValue('--mono') || 'monospace'}`
    context.textBaseline = 'middle'
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nColumns; c++) {
        const v = values[r * nColumns + c]!
        const colour = Number.isFinite(v) ? scale.colour(v) : ([40, 40, 40] as const)
        context.fillStyle = rgbCss(colour)
        context.fillRect(LEFT + c * cellWidth, TOP + r * cellHeight, cellWidth - 1, cellHeight - 1)
        // The value in the cell, in a colour that reads on it.
        const light = colour[0] * 0.299 + colour[1] * 0.587 + colour[2] * 0.114 > 150
        context.fillStyle = light ? '#0d1117' : '#e6edf3'
        context.textAlign = 'center'
        context.fillText(formatValue(v, Math.max(Math.abs(scale.min), Math.abs(scale.max))), LEFT + c * cellWidth + cellWidth / 2, TOP + r * cellHeight + cellHeight / 2)
      }
    }
    const muted = style.getPropertyValue('--muted').trim() || '#7d8a99'
    context.fillStyle = muted
    context.textAlign = 'right'
    for (let r = 0; r < nRows; r++) context.fillText(rows.labels[r]!, LEFT - 6, TOP + r * cellHeight + cellHeight / 2)
    context.textAlign = 'center'
    for (let c = 0; c < nColumns; c++) context.fillText(columns.labels[c]!, LEFT + c * cellWidth + cellWidth / 2, TOP + nRows * cellHeight + 9)
    context.fillText(axisTitle(columns), LEFT + (nColumns * cellWidth) / 2, TOP + nRows * cellHeight + 25)
    context.save()
    context.translate(10, TOP + (nRows * cellHeight) / 2)
    context.rotate(-Math.PI / 2)
    context.fillText(axisTitle(rows), 0, 0)
    context.restore()
  }, [values, rows, columns, scale, nRows, nColumns, width, height, cellWidth, cellHeight])

  useEffect(() => {
    const canvas = legendRef.current
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return
    for (let x = 0; x < canvas.width; x++) {
      context.fillStyle = rgbCss(scale.colour(scale.min + ((scale.max - scale.min) * x) / (canvas.width - 1)))
      context.fillRect(x, 0, 1, canvas.height)
    }
  }, [scale])

  const onMove = (event: React.MouseEvent<HTMLCanvasElement>): void => {
    setHover(cellUnder(event, LEFT, TOP, cellWidth, cellHeight, nRows, nColumns))
  }
  const hovered = hover ? values[hover.row * nColumns + hover.column] : undefined
  const span = Math.max(Math.abs(scale.min), Math.abs(scale.max))
  return (
    <div className="heatmap" data-testid="heatmap">
      <canvas ref={canvasRef} style={{ width, height }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} data-testid="heatmap-canvas" />
      {hover && hovered !== undefined && (
        <div
          className="chart-tooltip"
          style={{ left: Math.min(hover.x + 12, width - 40), top: hover.y + 12 }}
          data-testid="heatmap-tooltip"
          data-row={hover.row}
          data-column={hover.column}
          data-value={String(hovered)}
        >
          {rows.name} {rows.labels[hover.row]} · {columns.name} {columns.labels[hover.column]}: <b>{formatValue(hovered, span)}</b> {unit}
        </div>
      )}
      <div className="colour-legend">
        <span>{formatValue(scale.min, span)}</span>
        <canvas ref={legendRef} width={160} height={10} />
        <span>{formatValue(scale.max, span)}</span>
        <span>
          {unit} · {scale.kind}
        </span>
      </div>
    </div>
  )
}
