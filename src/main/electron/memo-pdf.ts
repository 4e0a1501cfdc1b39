import { BrowserWindow } from 'electron'

/** The PDF page settings: A4, the memo's own CSS margins, backgrounds printed (status badges). */
export const MEMO_PDF_OPTIONS = { pageSize: 'A4', printBackground: true, preferCSSPageSize: true } as const

/**
 * Prints a memo's self-contained HTML to PDF with Chromium's printToPDF: a hidden window with
 * no script, no Node and the sandbox loads the HTML from a data: URL (it needs nothing else),
 * prints it and is destroyed, whatever happens.
 */
export async function printMemoPdf(html: string): Promise<Buffer> {
  const window = new BrowserWindow({
    show: false,
    width: 900,
    height: 1200,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, webviewTag: false }
  })
  try {
    await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`)
    return await window.webContents.printToPDF(MEMO_PDF_OPTIONS)
  } finally {
    window.destroy()
  }
}
