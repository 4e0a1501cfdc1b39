import { createHash } from 'node:crypto'
import { ApiError } from '../../shared/contract'
import type { EngineMethods } from '../../shared/contract/protocol'
import { CancelledError } from '../engine/cancellation'
import { parsePriceCsvPanel } from '../labs/market-terrain/csv'
import { type PanelMarket, panelMarketSteps } from '../labs/market-terrain/csv-market'
import { csvView } from '../labs/market-terrain/csv-view'
import { terrainBar } from '../labs/market-terrain/view-data'
import { CsvValidationError } from '../regime/csv'
import type { ServiceHandlers } from '../services/protocol'
import { yieldToEventLoop } from './runtime'

// The engine's side of a user's CSV in the Terrain view: the file validated with the CLI's rules,
// its pass run with progress (yielding between chunks, so the engine answers other calls), and
// the result kept under a key of its content for the scrubber. Only the newest few are kept: a
// 500-asset file's frames are tens of MB.

const KEPT = 2
const kept = new Map<string, PanelMarket>()

/** The same text and window always get the same key, so loading a file again finds it. */
const keyOf = (text: string, window: number): string => createHash('sha256').update(`${window}\n${text}`).digest('hex').slice(0, 24)

type Handlers = ServiceHandlers<EngineMethods>

export const terrainCsvHandlers: Pick<Handlers, 'engine.terrainCsv' | 'engine.terrainCsvBar'> = {
  'engine.terrainCsv': async ({ name, text, window }, ctx) => {
    const key = keyOf(text, window)
    let market = kept.get(key)
    if (!market) {
      try {
        const steps = panelMarketSteps(parsePriceCsvPanel(text), window, 'window')
        for (let next = steps.next(); ; next = steps.next()) {
          if (next.done) {
            market = next.value
            break
          }
          ctx.emit('progress', next.value)
          await yieldToEventLoop()
          if (ctx.signal.aborted) throw new CancelledError()
        }
      } catch (error) {
        if (error instanceof CsvValidationError || error instanceof RangeError) throw new ApiError('invalid_params', `${name}: ${error.message}`)
        throw error
      }
    }
    kept.delete(key)
    kept.set(key, market)
    while (kept.size > KEPT) kept.delete(kept.keys().next().value!)
    return csvView(market, name, key)
  },
  'engine.terrainCsvBar': ({ key, bar }) => {
    const market = kept.get(key)
    if (!market) throw new ApiError('not_found', 'This file’s terrain is no longer kept (a newer file replaced it, or the engine restarted): load the file again.')
    if (bar >= market.bars) throw new ApiError('invalid_params', `bar must be < ${market.bars}, the file's bar count (got ${bar})`, [{ path: 'bar', message: `must be < ${market.bars}` }])
    return { bar: terrainBar(market, bar) }
  }
}
