import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { parseWindowState, restoreBounds, WindowStateStore } from './window-state'

const screen = { x: 0, y: 0, width: 1920, height: 1040 }
const minimum = { width: 960, height: 600 }

describe('window state', () => {
  it('round-trips bounds and the maximised flag through the file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mechanica-window-')), 'nested', 'window-state.json')
    const store = new WindowStateStore(path)
    expect(store.load()).toBeNull()
    store.save({ x: 100.4, y: 80, width: 1200, height: 800.6 }, true)
    expect(store.load()).toEqual({ x: 100, y: 80, width: 1200, height: 801, maximized: true })
  })

  it('treats a missing, corrupt or malformed file as no saved state', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mechanica-window-')), 'window-state.json')
    writeFileSync(path, '{"x": 1, "y"')
    expect(new WindowStateStore(path).load()).toBeNull()
    expect(parseWindowState('{"x":1,"y":2,"width":-5,"height":3,"maximized":false}')).toBeNull()
    expect(parseWindowState('{"x":1,"y":2,"width":5,"height":3,"maximized":false,"extra":1}')).toBeNull()
    expect(parseWindowState('[]')).toBeNull()
  })

  it('does not fail a quit when the state cannot be written', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const store = new WindowStateStore('/x/window-state.json', {
      read: () => '',
      write: () => {
        throw new Error('read-only file system')
      }
    })
    expect(() => store.save({ x: 0, y: 0, width: 1000, height: 700 }, false)).not.toThrow()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('read-only file system'))
    warn.mockRestore()
  })

  it('reopens where the window was, shrunk to its display but not below the minimum size', () => {
    expect(restoreBounds({ x: 50, y: 40, width: 1300, height: 900, maximized: false }, [screen], minimum)).toEqual({ bounds: { x: 50, y: 40, width: 1300, height: 900 }, maximized: false })
    expect(restoreBounds({ x: 0, y: 0, width: 4000, height: 3000, maximized: true }, [screen], minimum)).toEqual({ bounds: { x: 0, y: 0, width: 1920, height: 1040 }, maximized: true })
    expect(restoreBounds({ x: 10, y: 10, width: 300, height: 200, maximized: false }, [screen], minimum).bounds).toEqual({ x: 10, y: 10, width: 960, height: 600 })
  })

  it('drops a position on a display that is gone, keeping the maximised flag', () => {
    const second = { x: 1920, y: 0, width: 2560, height: 1400 }
    const onSecond = { x: 2200, y: 100, width: 1400, height: 900, maximized: true }
    expect(restoreBounds(onSecond, [screen, second], minimum).bounds).toEqual({ x: 2200, y: 100, width: 1400, height: 900 })
    expect(restoreBounds(onSecond, [screen], minimum)).toEqual({ bounds: null, maximized: true })
    // Only a sliver of the title bar left on screen is not reachable either.
    expect(restoreBounds({ x: 1880, y: 100, width: 1000, height: 700, maximized: false }, [screen], minimum).bounds).toBeNull()
    expect(restoreBounds({ x: 100, y: -500, width: 1000, height: 700, maximized: false }, [screen], minimum).bounds).toBeNull()
    expect(restoreBounds(null, [screen], minimum)).toEqual({ bounds: null, maximized: false })
  })

  it('writes JSON a person can read', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mechanica-window-')), 'window-state.json')
    new WindowStateStore(path).save({ x: 1, y: 2, width: 1000, height: 700 }, false)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ x: 1, y: 2, width: 1000, height: 700, maximized: false })
  })
})
