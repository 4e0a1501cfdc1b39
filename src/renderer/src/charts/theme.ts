import { ColorType, CrosshairMode, type DeepPartial, type PriceChartOptions } from 'lightweight-charts'
import { formatInteger } from '../format/numbers'

/** A CSS variable of styles.css, read at chart creation (charts draw on canvas, outside CSS). */
export const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** Regime colours by regime index: the calm regime first (every lab orders its regimes calm first). */
const REGIME_COLOURS = ['#2e7d5b', '#c2562b', '#8957e5', '#d29922', '#3b8eea', '#c74e8f']
export const regimeColour = (index: number): string => REGIME_COLOURS[index % REGIME_COLOURS.length] ?? '#7d8a99'

/** Colours for several lines in one chart (cost components, summary features). */
const SERIES_COLOURS = ['#4aa3ff', '#d29922', '#3fb950', '#f85149', '#bc8cff', '#39c5cf', '#e3b341', '#ff7b72']
export const seriesColour = (index: number): string => SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#d6dde6'

/** Constraint-event marker colours by rule. */
export function ruleColour(rule: string): string {
  if (rule === 'drawdown_stop' || rule === 'forced_flat') return '#f85149'
  if (rule.startsWith('leverage')) return '#d29922'
  return '#bc8cff'
}

/** Step numbers on the horizontal axis: lightweight-charts time t is step t. */
export const formatStep = (t: number): string => `step ${formatInteger(t)}`

/** The options every step-axis chart shares: dark panel, fixed-width price scale so stacked charts align. */
export function stepChartOptions(height: number): DeepPartial<PriceChartOptions> {
  return {
    height,
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: cssVar('--panel') }, textColor: cssVar('--muted'), fontSize: 10, attributionLogo: false, panes: { separatorColor: cssVar('--border') } },
    grid: { vertLines: { color: cssVar('--grid') }, horzLines: { color: cssVar('--grid') } },
    rightPriceScale: { borderColor: cssVar('--border'), minimumWidth: 72 },
    timeScale: { borderColor: cssVar('--border'), minBarSpacing: 0.01, rightOffset: 0 },
    localization: { precision: 0, timeFormatter: formatStep },
    crosshair: { mode: CrosshairMode.Normal }
  }
}

/** The theme-dependent part of a chart's options, read now from the CSS variables. */
export function chartThemeOptions(): DeepPartial<PriceChartOptions> {
  return {
    layout: { background: { type: ColorType.Solid, color: cssVar('--panel') }, textColor: cssVar('--muted'), panes: { separatorColor: cssVar('--border') } },
    grid: { vertLines: { color: cssVar('--grid') }, horzLines: { color: cssVar('--grid') } },
    rightPriceScale: { borderColor: cssVar('--border') },
    timeScale: { borderColor: cssVar('--border') }
  }
}

/**
 * Recolours a chart when the theme switches (`data-theme` on <html>): canvases do not follow
 * CSS variables by themselves. Returns the unsubscribe for the chart's effect cleanup.
 */
export function followTheme(chart: { applyOptions(options: DeepPartial<PriceChartOptions>): void }): () => void {
  const observer = new MutationObserver(() => chart.applyOptions(chartThemeOptions()))
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
  return () => observer.disconnect()
}
