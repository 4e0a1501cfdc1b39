import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'

// The main window comes back where it was closed: bounds and maximised state, kept as JSON in
// the user-data folder. A saved position that no longer lies on any display (a monitor was
// unplugged) is dropped, so the window never opens out of reach.

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const WindowState = z.strictObject({
  x: z.int(),
  y: z.int(),
  width: z.int().positive(),
  height: z.int().positive(),
  maximized: z.boolean()
})
export type WindowState = z.infer<typeof WindowState>

/** The saved state, or null for a missing, unreadable or malformed file. */
export function parseWindowState(text: string): WindowState | null {
  try {
    const parsed = WindowState.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** A window is reachable when this much of its top edge (where it is dragged from) lies on a display. */
export const GRAB_MARGIN = { width: 100, height: 32 }

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const width = Math.min(a.x + a.width, b.x + b.width) - x
  const height = Math.min(a.y + a.height, b.y + b.height) - y
  return width > 0 && height > 0 ? { x, y, width, height } : null
}

/**
 * Bounds to open with: the saved ones, shrunk to fit the display they are on and never below
 * the window's minimum, when their title strip can still be grabbed; otherwise none (the
 * default size, centred). The maximised flag is kept either way.
 */
export function restoreBounds(saved: WindowState | null, workAreas: readonly Rect[], minimum: { width: number; height: number }): { bounds: Rect | null; maximized: boolean } {
  if (!saved) return { bounds: null, maximized: false }
  const titleStrip: Rect = { x: saved.x, y: saved.y, width: saved.width, height: GRAB_MARGIN.height }
  const area = workAreas.find((a) => {
    const o = overlap(titleStrip, a)
    return o !== null && o.width >= Math.min(GRAB_MARGIN.width, saved.width) && o.height >= Math.min(GRAB_MARGIN.height, saved.height)
  })
  if (!area) return { bounds: null, maximized: saved.maximized }
  const width = Math.max(minimum.width, Math.min(saved.width, area.width))
  const height = Math.max(minimum.height, Math.min(saved.height, area.height))
  return { bounds: { x: saved.x, y: saved.y, width, height }, maximized: saved.maximized }
}

export interface WindowStateFiles {
  read(path: string): string
  write(path: string, text: string): void
}

const nodeFiles: WindowStateFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, text) => {
    mkdirSync(dirname(path), { recursive: true })
    // Write then rename: a crash mid-write leaves the previous state, never half a file.
    writeFileSync(`${path}.tmp`, text)
    renameSync(`${path}.tmp`, path)
  }
}

/** The window state file; reading never throws (a first launch has none). */
export class WindowStateStore {
  constructor(
    readonly path: string,
    private readonly files: WindowStateFiles = nodeFiles
  ) {}

  load(): WindowState | null {
    try {
      return parseWindowState(this.files.read(this.path))
    } catch {
      return null
    }
  }

  save(bounds: Rect, maximized: boolean): void {
    const state: WindowState = {
      x: Math.round(bounds.x),
      y: Math.round(bounds.y),
      width: Math.max(1, Math.round(bounds.width)),
      height: Math.max(1, Math.round(bounds.height)),
      maximized
    }
    try {
      this.files.write(this.path, `${JSON.stringify(state)}\n`)
    } catch (error) {
      // Losing the window position is not worth failing a quit over.
      console.warn(`mechanica: could not save the window state to ${this.path}: ${(error as Error).message}`)
    }
  }
}
