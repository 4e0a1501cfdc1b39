import { beforeEach, describe, expect, it, vi } from 'vitest'

// Drives memo-pdf.ts against a recording fake of `electron` (as main-process.test.ts does):
// the window it opens, what it loads, how it prints, and that it always goes away.
const h = vi.hoisted(() => {
  const state = {
    windows: [] as Array<{ options: Record<string, unknown>; url: string | null; printed: unknown; destroyed: boolean }>,
    failPrint: false
  }
  class BrowserWindow {
    record: (typeof state.windows)[number]
    webContents: { printToPDF: (options: unknown) => Promise<Buffer> }
    constructor(options: Record<string, unknown>) {
      this.record = { options, url: null, printed: null, destroyed: false }
      state.windows.push(this.record)
      this.webContents = {
        printToPDF: async (options: unknown) => {
          this.record.printed = options
          if (state.failPrint) throw new Error('printing failed')
          return Buffer.from('%PDF-1.4 fake')
        }
      }
    }
    loadURL(url: string) {
      this.record.url = url
      return Promise.resolve()
    }
    destroy() {
      this.record.destroyed = true
    }
  }
  return { state, electron: { BrowserWindow } }
})

vi.mock('electron', () => ({ ...h.electron, default: h.electron }))

import { MEMO_PDF_OPTIONS, printMemoPdf } from './memo-pdf'

describe('memo PDF through Electron printToPDF', () => {
  beforeEach(() => {
    h.state.windows.length = 0
    h.state.failPrint = false
  })

  it('prints the HTML in a hidden, sandboxed window without script and destroys it', async () => {
    const html = '<!doctype html><p>Memo — run #1</p>'
    const pdf = await printMemoPdf(html)
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
    const [window] = h.state.windows
    expect(window?.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true } })
    expect(window?.url?.startsWith('data:text/html;charset=utf-8;base64,')).toBe(true)
    expect(Buffer.from(window!.url!.split(',')[1]!, 'base64').toString('utf8')).toBe(html)
    expect(window?.printed).toEqual(MEMO_PDF_OPTIONS)
    expect(window?.destroyed).toBe(true)
  })

  it('destroys the window when printing fails', async () => {
    h.state.failPrint = true
    await expect(printMemoPdf('<p>x</p>')).rejects.toThrow('printing failed')
    expect(h.state.windows[0]?.destroyed).toBe(true)
  })
})
