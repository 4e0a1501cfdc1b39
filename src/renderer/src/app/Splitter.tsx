import type { PointerEvent as ReactPointerEvent } from 'react'

export interface SplitterProps {
  /** Width in px of the panel the splitter resizes. */
  width: number
  onWidth(width: number): void
  min: number
  max: number
  /** Which side of the handle the resized panel is on. */
  panel: 'before' | 'after'
  label: string
}

/** A drag handle between two panels (also ←/→ when focused); the owner keeps the width. */
export function Splitter({ width, onWidth, min, max, panel, label }: SplitterProps) {
  const clamp = (w: number): number => Math.round(Math.min(max, Math.max(min, w)))
  const sign = panel === 'before' ? 1 : -1
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>): void => {
    event.preventDefault()
    const startX = event.clientX
    const startWidth = width
    const handle = event.currentTarget
    handle.setPointerCapture(event.pointerId)
    const move = (e: PointerEvent): void => onWidth(clamp(startWidth + sign * (e.clientX - startX)))
    const up = (): void => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', up)
      handle.removeEventListener('pointercancel', up)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', up)
    handle.addEventListener('pointercancel', up)
  }
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault()
          onWidth(clamp(width + sign * (e.key === 'ArrowRight' ? 16 : -16)))
        }
      }}
    />
  )
}
