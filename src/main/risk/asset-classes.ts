/**
 * The asset class each lab trades, for the portfolio's concentration limit by asset class. A lab
 * not listed here is its own class (named after it), so a new lab is never silently pooled.
 */
const ASSET_CLASSES: Readonly<Record<string, string>> = {
  'oil-curve': 'commodities',
  'fx-carry': 'fx',
  'yield-curve': 'rates',
  'credit-spreads': 'credit',
  'vol-surface': 'volatility',
  'heston-regime': 'volatility',
  'funding-basis': 'crypto',
  'crypto-arb': 'crypto',
  'latency-arb': 'crypto',
  microstructure: 'equities',
  'order-flow': 'equities',
  'equity-factors': 'equities',
  'market-terrain': 'equities',
  'cross-asset': 'multi-asset',
  cascade: 'multi-asset'
}

export const assetClassOf = (lab: string): string => (Object.hasOwn(ASSET_CLASSES, lab) ? ASSET_CLASSES[lab]! : lab)
