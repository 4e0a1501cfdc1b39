// Ctrl+C in the decision log: the rows are drawn, not text a user can select, so the view
// copies the selected rows itself, as TSV with the header, fetching pages not in memory.
import { rowCells, rowsAsTsv } from './row-cells'
import { PAGE_ROWS, PageStore, type LogRow } from './step-pages'
import type { StepsPage } from '../../../../shared/contract'

/** More rows than this are not put on the clipboard (the first ones are, and the caller says so). */
export const MAX_COPY_ROWS = 5000

/**
 * The TSV of rows [from, to] (capped at MAX_COPY_ROWS), read from `store` where its pages are
 * and from `fetchPage(page)` where they are not; `copied` is the number of rows written.
 */
export async function selectedRowsTsv(titles: readonly string[], store: PageStore, from: number, to: number, fetchPage: (page: number) => Promise<StepsPage>): Promise<{ tsv: string; copied: number }> {
  const last = Math.min(to, from + MAX_COPY_ROWS - 1)
  const fetched = new PageStore()
  const rows: LogRow[] = []
  for (let index = from; index <= last; index++) {
    let row = store.row(index) ?? fetched.row(index)
    if (!row) {
      const page = Math.floor(index / PAGE_ROWS)
      fetched.put(page, await fetchPage(page))
      row = fetched.row(index)
    }
    if (!row) break
    rows.push(row)
  }
  return { tsv: rowsAsTsv(titles, rows.map(rowCells)), copied: rows.length }
}
