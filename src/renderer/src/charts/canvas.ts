// A canvas sized for the screen's pixel ratio: drawn in CSS pixels, sharp on a high-DPI screen.

/** Sizes the canvas to width × height CSS pixels at the device's ratio and returns its cleared 2-D context (null when there is none). */
export function hiDpiContext(canvas: HTMLCanvasElement | null, width: number, height: number): CanvasRenderingContext2D | null {
  const context = canvas?.getContext('2d')
  if (!canvas || !context) return null
  const ratio = window.devicePixelRatio || 1
  canvas.width = width * ratio
  canvas.height = height * ratio
  context.setTransform(ratio, 0, 0, ratio, 0, 0)
  context.clearRect(0, 0, width, height)
  return context
}

/** The grid cell under the pointer of a canvas whose cells start at (left, top): row, column and the pointer in CSS pixels; null off the grid. */
export function cellUnder(event: { clientX: number; clientY: number; currentTarget: Element }, left: number, top: number, cellWidth: number, cellHeight: number, rows: number, columns: number): { row: number; column: number; x: number; y: number } | null {
  const rect = event.currentTarget.getBoundingClientRect()
  const x = event.clientX - rect.left
  const y = event.clientY - rect.top
  const column = Math.floor((x - left) / cellWidth)
  const row = Math.floor((y - top) / cellHeight)
  return column >= 0 && column < columns && row >= 0 && row < rows ? { row, column, x, y } : null
}
