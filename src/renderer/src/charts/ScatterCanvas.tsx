import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react'
import { formatValue, type Rgb } from './colour-scale'
import { rasterise } from './scatter-raster'
import { boundsOf, fit, pan, toData, toScreen, zoomAbout, type ViewTransform } from './scatter-transform'

export interface ScatterOverlay {
  /** The trajectory worm, oldest first (drawn fading in). */
  worm?: { x: ArrayLike<number>; y: ArrayLike<number> }
  centroids?: Array<{ x: number; y: number; label: string; colour: string }>
  /** A circle of radius r data units (an ellipse when the axes have different scales). */
  ring?: { x: number; y: number; r: number; label: string }
}

export interface ScatterCanvasProps {
  x: ArrayLike<number>
  y: ArrayLike<number>
  /** Colour index per point (into `palette`); negative: unknown (grey). */
  colourIndex: ArrayLike<number>
  palette: readonly Rgb[]
  overlay: ScatterOverlay
  xLabel: string
  yLabel: string
  width: number
  height: number
  handle?: Ref<ScatterHandle>
}

export interface ScatterHandle {
  fit(): void
}

/**
 * A scatter of up to hundreds of thousands of points: the points are rasterised into an
 * ImageData once per view change; the worm, centroids, ring and axes are drawn on an overlay
 * canvas on top. Drag pans, the wheel zooms about the pointer, double-click fits.
 */
export function ScatterCanvas({ x, y, colourIndex, palette, overlay, xLabel, yLabel, width, height, handle }: ScatterCanvasProps) {
  const base = useRef<HTMLCanvasElement>(null)
  const top = useRef<HTMLCanvasElement>(null)
  const [view, setView] = useState<ViewTransform>(() => fit(boundsOf(x, y), width, height))
  const [drawMs, setDrawMs] = useState(0)
  const [pointer, setPointer] = useState<[number, number] | null>(null)
  const drag = useRef<{ x: number; y: number } | null>(null)
  const container = useRef<HTMLDivElement>(null)
  // The wheel zooms the scatter, not the page (React's wheel listener is passive).
  useEffect(() => {
    const element = container.current
    if (!element) return
    const stop = (event: WheelEvent): void => event.preventDefault()
    element.addEventListener('wheel', stop, { passive: false })
    return () => element.removeEventListener('wheel', stop)
  }, [])

  const fitView = useCallback(() => setView(fit(boundsOf(x, y), width, height)), [x, y, width, height])
  useEffect(() => fitView(), [fitView])
  useImperativeHandle(handle, () => ({ fit: fitView }), [fitView])

  // Points: one pass into an ImageData (2 × 2 device pixels each), redrawn only when the view or data change.
  useEffect(() => {
    const canvas = base.current
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return
    const started = performance.now()
    const ratio = window.devicePixelRatio || 1
    const w = Math.round(width * ratio)
    const h = Math.round(height * ratio)
    canvas.width = w
    canvas.height = h
    const image = context.createImageData(w, h)
    rasterise(image.data, w, h, x, y, colourIndex, palette, view, ratio)
    context.putImageData(image, 0, 0)
    setDrawMs(performance.now() - started)
  }, [x, y, colourIndex, palette, view, width, height])

  // Overlay: axes ticks, the worm, centroids and the OOD ring.
  useEffect(() => {
    const canvas = top.current
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return
    const ratio = window.devicePixelRatio || 1
    canvas.width = Math.round(width * ratio)
    canvas.height = Math.round(height * ratio)
    context.setTransform(ratio, 0, 0, ratio, 0, 0)
    context.clearRect(0, 0, width, height)
    const style = getComputedStyle(canvas)
    const muted = style.getPropertyValue('--muted').trim() || '#7d8a99'
    context.font = `10px ${style.getPropertyValue('--mono') || 'monospace'}`
    context.fillStyle = muted
    const [x0, y0] = toData(view, 0, height)
    const [x1, y1] = toData(view, width, 0)
    context.textAlign = 'center'
    for (let k = 1; k < 5; k++) {
      const vx = x0 + ((x1 - x0) * k) / 5
      context.fillText(formatValue(vx, Math.max(Math.abs(x0), Math.abs(x1))), toScreen(view, vx, 0)[0], height - 4)
    }
    context.textAlign = 'left'
    for (let k = 1; k < 5; k++) {
      const vy = y0 + ((y1 - y0) * k) / 5
      context.fillText(formatValue(vy, Math.max(Math.abs(y0), Math.abs(y1))), 4, toScreen(view, 0, vy)[1])
    }
    context.fillStyle = style.getPropertyValue('--text').trim() || '#d6dde6'
    context.textAlign = 'right'
    context.fillText(xLabel, width - 6, height - 16)
    context.textAlign = 'left'
    context.fillText(yLabel, 6, 12)

    const ring = overlay.ring
    if (ring) {
      const [cx, cy] = toScreen(view, ring.x, ring.y)
      context.strokeStyle = '#f85149'
      context.setLineDash([5, 4])
      context.beginPath()
      context.ellipse(cx, cy, Math.abs(ring.r * view.kx), Math.abs(ring.r * view.ky), 0, 0, Math.PI * 2)
      context.stroke()
      context.setLineDash([])
      context.fillStyle = '#f85149'
      context.fillText(ring.label, cx + Math.abs(ring.r * view.kx) * 0.72 + 4, cy - Math.abs(ring.r * view.ky) * 0.72)
    }
    const worm = overlay.worm
    if (worm && worm.x.length > 1) {
      const n = worm.x.length
      context.lineWidth = 1.5
      for (let i = 1; i < n; i++) {
        const [ax, ay] = toScreen(view, worm.x[i - 1]!, worm.y[i - 1]!)
        const [bx, by] = toScreen(view, worm.x[i]!, worm.y[i]!)
        if (![ax, ay, bx, by].every(Number.isFinite)) continue
        context.strokeStyle = `rgba(255,255,255,${(0.1 + 0.9 * (i / (n - 1))).toFixed(3)})`
        context.beginPath()
        context.moveTo(ax, ay)
        context.lineTo(bx, by)
        context.stroke()
      }
      const [hx, hy] = toScreen(view, worm.x[n - 1]!, worm.y[n - 1]!)
      context.fillStyle = '#ffffff'
      context.beginPath()
      context.arc(hx, hy, 3.5, 0, Math.PI * 2)
      context.fill()
      context.lineWidth = 1
    }
    for (const c of overlay.centroids ?? []) {
      const [cx, cy] = toScreen(view, c.x, c.y)
      context.strokeStyle = c.colour
      context.lineWidth = 2
      context.beginPath()
      context.moveTo(cx - 7, cy - 7)
      context.lineTo(cx + 7, cy + 7)
      context.moveTo(cx + 7, cy - 7)
      context.lineTo(cx - 7, cy + 7)
      context.stroke()
      context.lineWidth = 1
      context.fillStyle = c.colour
      context.fillText(c.label, cx + 9, cy - 6)
    }
  }, [overlay, view, width, height, xLabel, yLabel])

  const local = (event: React.PointerEvent | React.WheelEvent): [number, number] => {
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect()
    return [event.clientX - rect.left, event.clientY - rect.top]
  }
  return (
    <div
      ref={container}
      className="scatter"
      style={{ width, height }}
      data-testid="scatter"
      data-kx={view.kx}
      data-ky={view.ky}
      data-points={x.length}
      data-draw-ms={drawMs.toFixed(2)}
      onPointerDown={(event) => {
        drag.current = { x: event.clientX, y: event.clientY }
        ;(event.currentTarget as HTMLElement).setPointerCapture(event.pointerId)
      }}
      onPointerMove={(event) => {
        setPointer(toData(view, ...local(event)))
        if (!drag.current) return
        const dx = event.clientX - drag.current.x
        const dy = event.clientY - drag.current.y
        drag.current = { x: event.clientX, y: event.clientY }
        setView((v) => pan(v, dx, dy))
      }}
      onPointerUp={() => (drag.current = null)}
      onPointerLeave={() => setPointer(null)}
      onWheel={(event) => {
        const [px, py] = local(event)
        setView((v) => zoomAbout(v, Math.exp(-event.deltaY * 0.0015), px, py))
      }}
      onDoubleClick={fitView}
    >
      <canvas ref={base} style={{ width, height, position: 'absolute', inset: 0 }} />
      <canvas ref={top} style={{ width, height, position: 'absolute', inset: 0 }} />
      <span className="scatter-readout mono">
        {pointer ? `${xLabel} ${formatValue(pointer[0])} · ${yLabel} ${formatValue(pointer[1])} · ` : ''}
        {x.length.toLocaleString('en-US')} points · drawn in {drawMs.toFixed(1)} ms
      </span>
    </div>
  )
}
