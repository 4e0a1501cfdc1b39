import { BrowserWindow, app, dialog, type SaveDialogOptions } from 'electron'
import { dirname, extname, join } from 'node:path'
import type { ChooseExportPath } from '../memo/export-destination'

const FILTERS: Record<string, { name: string; extensions: string[] }> = {
  md: { name: 'Markdown', extensions: ['md'] },
  html: { name: 'HTML', extensions: ['html'] },
  zip: { name: 'Zip bundle', extensions: ['zip'] },
  pdf: { name: 'PDF', extensions: ['pdf'] },
  csv: { name: 'CSV', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] }
}

/** The save dialog's settings for a suggested file name, opening in `folder`. */
export function saveDialogOptions(name: string, folder: string): SaveDialogOptions {
  const filter = FILTERS[extname(name).slice(1).toLowerCase()]
  return {
    title: 'Export',
    defaultPath: join(folder, name),
    buttonLabel: 'Export',
    ...(filter ? { filters: [filter] } : {}),
    // Linux (GTK) asks before replacing only when told to; macOS and Windows always ask.
    properties: ['showOverwriteConfirmation', 'createDirectory']
  }
}

/**
 * Exports under Electron: main asks the user with the native save dialog, parented to the
 * app's window, starting in Documents and then wherever the last export went. The renderer
 * only suggests a file name; the path is what the user picked, and the dialog has asked before
 * a file is replaced.
 */
export function exportSaveDialog(): ChooseExportPath {
  let lastFolder: string | null = null
  return async (name) => {
    const options = saveDialogOptions(name, lastFolder ?? app.getPath('documents'))
    const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
    if (result.canceled || !result.filePath) return null
    lastFolder = dirname(result.filePath)
    return result.filePath
  }
}
