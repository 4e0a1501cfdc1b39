import { COMMITTEE_SECTIONS, MEMO_FIELDS, type MemoFacts, type MemoFieldId, type StressComparison } from './memo'
import { PBO_OVERFIT } from './portfolio-desk'

// The memo's facts laid out per field, once: the Markdown and HTML exports and the Memo view
// all render these blocks, so what a reviewer reads on screen is what the file says.

export type FactBlock =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption: string; head: string[]; rows: string[][]; numeric: boolean[] }

export interface MemoSection {
  id: MemoFieldId
  title: string
  group: 'memo' | 'committee'
  facts: FactBlock[]
}

function groupThousands(digits: string): string {
  const negative = digits.startsWith('-')
  const body = negative ? digits.slice(1) : digits
  const grouped = body.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return negative ? `-${grouped}` : grouped
}

/**
 * A number as the memo prints it: integers grouped, others to six significant digits, very
 * large or small ones in exponent form. Written without locale data so every host prints the
 * same bytes.
 */
export function formatFact(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (x === 0) return '0'
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return groupThousands(String(x))
  const a = Math.abs(x)
  if (a >= 1e9 || a < 1e-4) return x.toExponential(3)
  let text = x.toPrecision(6)
  if (text.includes('e')) text = x.toFixed(0)
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '')
  const [int = '', frac] = text.split('.')
  return frac === undefined ? groupThousands(int) : `${groupThousands(int)}.${frac}`
}

export function formatShare(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`
}

function formatValue(v: unknown): string {
  return typeof v === 'number' ? formatFact(v) : JSON.stringify(v)
}

function sentenceList(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ')
}

const NUMERIC_CELL = /^(-?[\d,]+(\.\d+)?(e[-+]\d+)?%?|—|#\d+)$/

/** A column is right-aligned when every cell in it is a number (or a dash or a run id). */
const table = (caption: string, head: string[], rows: string[][]): FactBlock => ({
  kind: 'table',
  caption,
  head,
  rows,
  numeric: head.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[i] ?? '')) && rows.some((r) => r[i] !== '—'))
})

function changeLine(v: StressComparison): string {
  if (v.error) return `${v.name}: could not run (${v.error})`
  const parts: string[] = []
  parts.push(
    v.constraintsBinding.length
      ? `constraint became binding: ${v.constraintsBinding.map((c) => `${c.rule} (${formatFact(c.base)} → ${formatFact(c.stressed)} events)`).join(', ')}`
      : 'no constraint became binding'
  )
  parts.push(
    v.costExploded
      ? `cost that grew most: ${v.costExploded.component} ${formatFact(v.costExploded.base)} → ${formatFact(v.costExploded.stressed)}${v.costExploded.ratio === null ? '' : ` (×${formatFact(v.costExploded.ratio)})`}`
      : 'no cost component grew'
  )
  parts.push(
    v.actionsChanged.length
      ? `actions changed: ${v.actionsChanged
          .slice(0, 4)
          .map((a) => `${a.action} ${formatFact(a.base)} → ${formatFact(a.stressed)}`)
          .join(', ')}`
      : 'no action count changed'
  )
  return `${v.name} (run #${v.runId}): ${parts.join('; ')}${v.halted ? '; halted by the drawdown stop' : ''}`
}

function stressTable(f: MemoFacts): FactBlock {
  const rows = [
    ['base', `#${f.run.id}`, formatFact(f.totals.netPnl), '0', formatFact(f.totals.maxDrawdown), formatFact(f.totals.cost), formatFact(f.constraints.total), f.constraints.firstBinding?.rule ?? '—', f.run.halted ? 'yes' : 'no'],
    ...f.stress.variants.map((v) =>
      v.error
        ? [v.name, '—', 'error', '—', '—', '—', '—', '—', '—']
        : [v.name, `#${v.runId}`, formatFact(v.netPnl), formatFact(v.deltaNetPnl), formatFact(v.maxDrawdown), formatFact(v.totalCost), formatFact(v.constraintEvents), v.firstBinding?.rule ?? '—', v.halted ? 'yes' : 'no']
    )
  ]
  return table('Stress comparison (one factor at a time against the base run)', ['variant', 'run', 'net P&L', 'Δ net P&L', 'max drawdown', 'total cost', 'constraint events', 'binds first', 'halted'], rows)
}

function constraintBlocks(f: MemoFacts): FactBlock[] {
  const c = f.constraints
  if (c.total === 0) return [{ kind: 'text', text: 'No constraint event in this run: the risk gate never clipped, scaled or flattened a target.' }]
  return [
    {
      kind: 'text',
      text: `${formatFact(c.total)} constraint events. Binds first: ${c.firstBinding!.rule} at step ${formatFact(c.firstBinding!.t)} (${c.firstBinding!.message}). Most frequent: ${c.mostFrequent!.rule} (${formatFact(c.mostFrequent!.count)} events).`
    },
    table('Constraint events by rule', ['rule', 'events', 'first step', 'first message'], c.byRule.map((r) => [r.rule, formatFact(r.count), formatFact(r.firstT), r.firstMessage]))
  ]
}

/** The book's agent: how often its answer was used, and how often the selector fell back or overrode it. */
export function agentBlocks(f: Pick<MemoFacts, 'agent'>): FactBlock[] {
  const a = f.agent
  if (!a) return []
  if (a.status !== 'active') return [{ kind: 'text', text: a.message }]
  const fallbacks = Object.entries(a.fallbacks).filter(([, n]) => n > 0)
  const fellBack = fallbacks.reduce((sum, [, n]) => sum + n, 0)
  return [
    {
      kind: 'text',
      text: `The agent (${a.model ?? 'model'}) was asked ${formatFact(a.calls)} times and decided ${formatFact(a.agentSteps)} steps (${formatShare(a.controlShare)} of the run). ${formatFact(fellBack - a.overrides)} replies fell back to the baseline and ${formatFact(a.overrides)} were overridden to flat.`
    },
    ...(fallbacks.length ? [table('Agent fallbacks by reason', ['reason', 'calls'], fallbacks.map(([reason, n]) => [reason, formatFact(n)]))] : [])
  ]
}

const MEASURE_LABELS: Readonly<Record<string, string>> = { netPnl: 'net P&L', sharpe: 'Sharpe (per step)', maxDrawdown: 'max drawdown', costs: 'costs' }

/** Agent against the rule baseline over the stored seed ensemble this run is part of. */
export function agentComparisonBlocks(f: Pick<MemoFacts, 'agentComparison' | 'run'>): FactBlock[] {
  const c = f.agentComparison
  if (!c) return []
  const level = `${Math.round(c.confidence * 100)}%`
  const interval = (x: [number, number] | null): string => (x ? `${formatFact(x[0])} to ${formatFact(x[1])}` : '—')
  const fallbacks = Object.entries(c.agent.fallbacks)
  return [
    {
      kind: 'text',
      text: `Agent against the rule baseline on ${formatFact(c.seeds.length)} seeds (same paths, risk gate and costs; this run is one of them). ${c.verdict} Differences are agent − baseline; t: paired t interval; bootstrap: percentile interval of ${formatFact(c.bootstrap.resamples)} seeded resamples; sign test: exact, ties left out.`
    },
    table(
      'Agent − baseline over the seed ensemble',
      ['measure', 'better', 'mean difference', `${level} t interval`, `${level} bootstrap`, 'agent wins', 'sign test p'],
      c.measures.map((m) => [MEASURE_LABELS[m.measure] ?? m.measure, m.better, formatFact(m.meanDiff), interval(m.tInterval), interval(m.bootstrapInterval), `${m.wins} of ${m.n}`, formatFact(m.signTestP)])
    ),
    table(
      'Pairs by seed',
      ['seed', 'baseline run', 'agent run', 'net P&L baseline', 'net P&L agent', 'difference'],
      c.pairs.map((p) => [formatFact(p.seed), p.baselineRunId === undefined ? '—' : `#${p.baselineRunId}`, p.agentRunId === undefined ? '—' : `#${p.agentRunId}`, formatFact(p.baseline.netPnl), formatFact(p.agent.netPnl), formatFact(p.agent.netPnl - p.baseline.netPnl)])
    ),
    {
      kind: 'text',
      text: `Over the ensemble the agent was asked ${formatFact(c.agent.calls)} times, ${formatFact(c.agent.valid)} replies valid (${formatShare(c.agent.validityRate)}); mean control share ${formatShare(c.agent.controlShare)}; fallbacks by reason: ${fallbacks.length ? fallbacks.map(([r, n]) => `${r} ${formatFact(n)}`).join(', ') : 'none'}.`
    }
  ]
}

/** Seed 004's terrain: fault lines, hardness, watersheds, trailhead, regime grouping, walk-forward folds. */
export function terrainBlocks(f: Pick<MemoFacts, 'terrain' | 'metrics'>): FactBlock[] {
  const t = f.terrain
  if (!t) return []
  const metric = (name: string) => f.metrics.find((m) => m.name === name)?.value ?? null
  const blocks: FactBlock[] = [
    {
      kind: 'text',
      text: `Terrain: ${formatFact(t.faultAlerts)} fault-line alerts; mean eigen hardness ${formatFact(t.meanEigenHardness)}, mean edge hardness ${formatFact(t.meanEdgeHardness)}. Surprise ${formatFact(metric('surprise'))} (mean squared Mahalanobis distance of the state forecast); Flow Capture ${formatFact(metric('flow_capture'))} a year against the predicted path's ${formatFact(metric('flow_path_return'))}.`
    },
    { kind: 'list', items: t.clusters.map((c, i) => `Watershed ${i + 1}: ${c.join(', ')}`) }
  ]
  if (t.strongestAlerts.length) blocks.push(table('Strongest fault-line alerts', ['bar', 'pair', 'z'], t.strongestAlerts.map((a) => [formatFact(a.bar), a.pair.join(' · '), formatFact(a.z)])))
  if (t.trailhead) blocks.push({ kind: 'text', text: `Trailhead preset ${t.trailhead.preset}: ${formatFact(t.trailhead.fires)} bars fired, ${formatFact(t.trailhead.logs)} logged without firing (one index lit, or no One-Way path), ${formatFact(t.trailhead.quiet)} quiet.` })
  if (t.grouping.length && t.groupingBars) {
    blocks.push(
      table(
        `Regime grouping against the true regimes (fitted on bars ${t.groupingBars.train[0]}–${t.groupingBars.train[1] - 1}, scored on ${t.groupingBars.test[0]}–${t.groupingBars.test[1] - 1})`,
        ['method', 'accuracy', 'online accuracy', 'switches', 'mean time to detection', 'false switches', 'λ'],
        t.grouping.map((g) => [g.method, formatShare(g.accuracy), formatShare(g.onlineAccuracy), formatFact(g.switches), formatFact(g.meanTimeToDetection), formatFact(g.falseSwitches), formatFact(g.lambda)])
      )
    )
  }
  if (t.walkForward.length) {
    blocks.push(
      table(
        'Anchored walk-forward of the risk_off boundary (test windows)',
        ['test bars', 'boundary (z)', 'return', 'Sharpe', 'max drawdown'],
        t.walkForward.map((w) => [`${w.test[0]}–${w.test[1] - 1}`, formatFact(w.riskZOff), formatShare(w.totalReturn), formatFact(w.sharpe), formatShare(w.maxDrawdown)])
      )
    )
  }
  return blocks
}

function actionTotals(f: MemoFacts): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(f.actions.map((a) => [a, 0]))
  for (const r of f.actionsByRegime) for (const [a, n] of Object.entries(r.counts)) totals[a] = (totals[a] ?? 0) + n
  return totals
}

export function factsFor(id: MemoFieldId, f: MemoFacts): FactBlock[] {
  switch (id) {
    case 'mechanism': {
      const blocks: FactBlock[] = [
        { kind: 'text', text: `${f.run.labTitle} (book ch. ${f.run.chapter}): ${f.run.description}` },
        { kind: 'text', text: `Preset ${f.run.preset}, seed ${f.run.seed}; ${formatFact(f.run.steps)} of ${formatFact(f.run.plannedSteps)} steps${f.run.halted ? ', halted by the drawdown stop' : ''}.` }
      ]
      const overrides = Object.entries(f.run.overrides)
      if (overrides.length) blocks.push({ kind: 'list', items: overrides.map(([k, v]) => `${k} = ${formatValue(v)}`) })
      if (f.corrections.length) blocks.push({ kind: 'text', text: `Corrections applied: ${f.corrections.map((c) => `${c.id} (${c.title})`).join('; ')}.` })
      return blocks
    }
    case 'surface': {
      const blocks: FactBlock[] = [{ kind: 'text', text: `Instruments: ${sentenceList(f.instruments)}. Regimes: ${sentenceList(f.regimes)}.` }]
      if (f.surface) {
        const s = f.surface
        blocks.push({ kind: 'text', text: `Surface: ${s.name} (${s.unit}), a ${s.layout} over ${s.axes.map((a) => `${a.name} (${a.size}${a.unit ? `, ${a.unit}` : ''})`).join(' × ')}.` })
        blocks.push(table('Key surface features (mean over the run)', ['feature', 'unit', 'mean', 'what it measures'], s.features.map((x) => [x.name, x.unit, formatFact(x.mean), x.description])))
      } else blocks.push({ kind: 'text', text: 'No surface was recomputed for this run.' })
      return blocks
    }
    case 'constrainedActions': {
      const totals = actionTotals(f)
      return [
        table('Actions taken', ['action', 'steps', 'share'], f.actions.map((a) => [a, formatFact(totals[a] ?? 0), formatShare(f.run.steps > 0 ? (totals[a] ?? 0) / f.run.steps : null)])),
        ...constraintBlocks(f),
        ...agentBlocks(f),
        ...agentComparisonBlocks(f)
      ]
    }
    case 'costDrivers': {
      const blocks: FactBlock[] = [
        table('Costs by component', ['component', 'total', 'share'], f.costs.components.map((c) => [c.name, formatFact(c.total), formatShare(c.share)])),
        {
          kind: 'text',
          text: f.costs.dominant
            ? `Dominant cost component: ${f.costs.dominant} (${formatShare(f.costs.components.find((c) => c.name === f.costs.dominant)?.share)} of total cost ${formatFact(f.totals.cost)}).`
            : 'No cost was paid in this run.'
        },
        table('Cost by regime', ['regime', 'steps', 'cost', 'cost per step'], f.regimePnl.map((r) => [r.regime, formatFact(r.steps), formatFact(r.cost), formatFact(r.steps > 0 ? r.cost / r.steps : null)]))
      ]
      return blocks
    }
    case 'stressBreaks': {
      if (f.stress.variants.length === 0) return [{ kind: 'text', text: 'This lab has no stress menu; no stress comparison was run.' }]
      return [
        { kind: 'text', text: f.stress.method },
        stressTable(f),
        { kind: 'list', items: f.stress.variants.map(changeLine) },
        {
          kind: 'text',
          text: f.stress.worst
            ? `Worst variant by net P&L: ${f.stress.worst} (Δ ${formatFact(f.stress.variants.find((v) => v.name === f.stress.worst)?.deltaNetPnl)} against the base).`
            : 'No stress variant lowered net P&L below the base run.'
        }
      ]
    }
    case 'riskControl': {
      const firsts = new Map<string, number>()
      for (const v of f.stress.variants) if (v.firstBinding) firsts.set(v.firstBinding.rule, (firsts.get(v.firstBinding.rule) ?? 0) + 1)
      const ranked = [...firsts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      const ran = f.stress.variants.filter((v) => !v.error).length
      return [
        { kind: 'text', text: `Max drawdown ${formatFact(f.totals.maxDrawdown)}, max leverage ${formatFact(f.totals.maxLeverage)}${f.run.halted ? '; the drawdown stop halted the run' : '; the drawdown stop did not halt the run'}.` },
        {
          kind: 'text',
          text: ranked.length
            ? `Under stress the constraint that binds first is ${ranked[0]![0]} in ${ranked[0]![1]} of ${ran} variants${ranked.length > 1 ? ` (also: ${ranked.slice(1).map(([r, n]) => `${r} in ${n}`).join(', ')})` : ''}.`
            : 'No constraint bound in any stress variant.'
        },
        table(
          'Drawdown under stress',
          ['variant', 'max drawdown', 'halted'],
          f.stress.variants.filter((v) => !v.error).map((v) => [v.name, formatFact(v.maxDrawdown), v.halted ? 'yes' : 'no'])
        )
      ]
    }
    case 'harvest': {
      const regimes = f.regimePnl.map((r) => r.regime)
      const rows = f.pnlComponents.map((c) => [c, formatFact(f.regimePnl.reduce((s, r) => s + (r.pnlByComponent[c] ?? 0), 0)), ...f.regimePnl.map((r) => formatFact(r.pnlByComponent[c] ?? 0))])
      rows.push(['cost', formatFact(-f.totals.cost), ...f.regimePnl.map((r) => formatFact(-r.cost))])
      rows.push(['net', formatFact(f.totals.netPnl), ...f.regimePnl.map((r) => formatFact(r.netPnl))])
      return [table('P&L by component and regime (what is harvested, what it costs)', ['component', 'total', ...regimes], rows)]
    }
    case 'stateSurface': {
      if (!f.surface || f.surface.features.length === 0) return [{ kind: 'text', text: 'No surface features were recomputed for this run.' }, ...terrainBlocks(f)]
      const s = f.surface
      return [
        {
          kind: 'text',
          text: `Surface features averaged by regime over ${formatFact(s.frames)} frames${s.stride > 1 ? ` (every ${formatFact(s.stride)}th step)` : ''}.`
        },
        table('Surface features by regime', ['feature', 'unit', ...f.regimes], s.features.map((x) => [x.name, x.unit, ...f.regimes.map((r) => formatFact(x.byRegime[r] ?? null))])),
        ...terrainBlocks(f)
      ]
    }
    case 'sizing': {
      const sizing = f.metrics.filter((m) => /leverage|position|inventory|exposure|turnover/i.test(m.name))
      return [
        { kind: 'text', text: `Instruments (legs): ${sentenceList(f.instruments)}. Max gross leverage ${formatFact(f.totals.maxLeverage)}; final equity ${formatFact(f.totals.finalEquity)}.` },
        ...(sizing.length ? [table('Sizing metrics', ['metric', 'value'], sizing.map((m) => [m.name, formatFact(m.value)]))] : []),
        ...portfolioBlocks(f)
      ]
    }
    case 'executionPlan':
      return [
        table('Actions by regime (steps)', ['regime', 'steps', ...f.actions], f.actionsByRegime.map((r) => [r.regime, formatFact(r.steps), ...f.actions.map((a) => formatFact(r.counts[a] ?? 0))])),
        table('Cost by regime', ['regime', 'cost', 'cost per step'], f.regimePnl.map((r) => [r.regime, formatFact(r.cost), formatFact(r.steps > 0 ? r.cost / r.steps : null)]))
      ]
    case 'fundingMargin': {
      // Carry and funding earned book as P&L components; funding paid and liquidation losses as costs.
      const funding = f.pnlComponents.filter((c) => /carry|fund|basis|margin|rebate/i.test(c))
      const costs = f.costs.components.filter((c) => /fund|margin|liquidat/i.test(c.name))
      if (funding.length === 0 && costs.length === 0) {
        return [{ kind: 'text', text: `The lab books no carry, funding or margin P&L component and no funding, margin or liquidation cost; its P&L components are: ${sentenceList(f.pnlComponents)}.` }]
      }
      const blocks: FactBlock[] = []
      if (funding.length > 0) blocks.push(table('Carry and funding P&L by regime', ['component', ...f.regimes], funding.map((c) => [c, ...f.regimePnl.map((r) => formatFact(r.pnlByComponent[c] ?? 0))])))
      if (costs.length > 0) blocks.push(table('Funding, margin and liquidation costs', ['component', 'total', 'share of all costs'], costs.map((c) => [c.name, formatFact(c.total), formatShare(c.share)])))
      return blocks
    }
    case 'correlation': {
      const blocks: FactBlock[] = [
        table('Regime P&L', ['regime', 'steps', 'net P&L', 'cost', 'net P&L per step'], f.regimePnl.map((r) => [r.regime, formatFact(r.steps), formatFact(r.netPnl), formatFact(r.cost), formatFact(r.steps > 0 ? r.netPnl / r.steps : null)]))
      ]
      const pairs = f.pnlCorrelation[0]?.pairs ?? []
      if (pairs.length > 0) {
        blocks.push(
          table(
            'Correlation of per-step P&L components, by regime',
            ['pair', ...f.pnlCorrelation.map((r) => r.regime)],
            pairs.map((p, i) => [`${p.a} · ${p.b}`, ...f.pnlCorrelation.map((r) => (r.pairs[i]?.r === null || r.pairs[i] === undefined ? '—' : r.pairs[i]!.r!.toFixed(3)))])
          )
        )
      } else blocks.push({ kind: 'text', text: `The lab books a single P&L component (${sentenceList(f.pnlComponents)}); there is no pair to correlate.` })
      return blocks
    }
    case 'controls':
      return [
        ...constraintBlocks(f),
        ...(f.stress.variants.length
          ? [{ kind: 'list' as const, items: f.stress.variants.filter((v) => !v.error).map((v) => `${v.name}: ${v.firstBinding ? `${v.firstBinding.rule} binds first at step ${formatFact(v.firstBinding.t)}` : 'no constraint event'} (${formatFact(v.constraintEvents)} events)`) }]
          : [])
      ]
  }
}

const pct = (x: number): string => `${formatFact(100 * x)}%`

/** The risk committee's view of the run as a pod: the newest portfolio holding it, its VaR/ES by method with backtest verdicts, and each pod's share of risk. */
function portfolioBlocks(f: MemoFacts): FactBlock[] {
  const p = f.portfolio
  if (!p) return []
  const trusted = p.methods.filter((m) => m.zone === 'green' && m.kupiecP >= 0.05 && m.conditionalCoverageP >= 0.05).map((m) => m.method)
  return [
    {
      kind: 'text',
      text: `Held in portfolio #${p.id} “${p.name}” (${p.scheme} weights, ${formatFact(p.pods.length)} pods, ${formatFact(p.steps)} steps, hash ${p.hash.slice(0, 16)}): weight ${formatFact(p.weight)}, ${pct(p.riskShare)} of the portfolio’s risk. One-step VaR and ES at ${formatFact(p.confidence)}, window ${formatFact(p.window)} steps, as losses in fraction of equity; ${trusted.length ? `models passing every backtest at 5 % and in the green zone: ${sentenceList(trusted)}` : 'no model passes every backtest at 5 % in the green zone'}.`
    },
    table('Portfolio VaR/ES and backtests', ['method', 'VaR', 'ES', 'breaches', 'Kupiec p', 'cond. coverage p', 'ES test p', 'zone'], p.methods.map((m) => [m.method, formatFact(m.var), formatFact(m.es), `${formatFact(m.breaches)}/${formatFact(m.days)}`, formatFact(m.kupiecP), formatFact(m.conditionalCoverageP), formatFact(m.esP), m.zone])),
    table('Contributions to portfolio risk', ['pod', 'lab', 'weight', 'risk share'], p.pods.map((pod) => [`#${pod.runId}`, pod.lab, formatFact(pod.weight), pct(pod.riskShare)])),
    ...netBlocks(p.net),
    ...deskBlocks(f)
  ]
}

/** The book's net exposure: its total where every pod compounds, else why there is none; then each pod's own net in its unit. */
export function netBlocks(net: NonNullable<MemoFacts['portfolio']>['net']): FactBlock[] {
  if (!net) return []
  const text =
    net.total !== null && net.worst !== null
      ? `Net exposure of the book (Σ share × the pod's net, in fraction of equity): ${pct(net.total)} at the last step, largest ${pct(net.worst.value)} at step ${formatFact(net.worst.at)}.`
      : `Net exposure per pod only, no total for the book, because ${(net.note ?? 'the pods’ units differ').replace(/^no total net: /, '')}.`
  const inUnit = (unit: string, x: number): string => (unit === 'fraction of equity' ? pct(x) : `${formatFact(x)} (lab units)`)
  return [
    { kind: 'text', text },
    table(
      'Net exposure by pod (its own book; in the book: share × net at the last step)',
      ['pod', 'lab', 'ledger', 'net at last step', 'lowest', 'highest', 'in the book'],
      net.pods.map((x) => [`#${x.runId}`, x.lab, x.ledger, inUnit(x.unit, x.last), inUnit(x.unit, x.min), inUnit(x.unit, x.max), x.inBook === null ? '—' : pct(x.inBook)])
    )
  ]
}

const REVERSE_FACTOR = { corr: 'correlation to one (ρ)', vol: 'volatility × k', regime: 'stress regime for n more steps' } as const

/** The risk committee's stress, limits and walk-forward: the newest of each in the portfolio's log, as the engine stored them. */
export function deskBlocks(f: Pick<MemoFacts, 'riskDesk'>): FactBlock[] {
  const d = f.riskDesk
  if (!d) return []
  const blocks: FactBlock[] = []
  const s = d.stress
  if (s) {
    const worst = s.scenarios.reduce((a, b) => (b.maxDrawdown > a.maxDrawdown ? b : a))
    const breached = s.scenarios.filter((x) => x.breaches)
    blocks.push({
      kind: 'text',
      text: `Stress (log entry ${formatFact(s.logSeq)}; loss = maximum drawdown under today's weights): worst case ${worst.name} with a loss of ${pct(worst.maxDrawdown)}${worst.worstPod ? `, most of it from pod #${worst.worstPod.runId} (${worst.worstPod.lab}, ${pct(worst.worstPod.loss)})` : ''}; ${formatFact(breached.length)} of ${formatFact(s.scenarios.length)} scenarios breach the ${pct(s.lossLimit)} loss limit${breached.length ? ` (${sentenceList(breached.map((x) => x.name))})` : ''}.`
    })
    if (d.history?.stress) blocks.push({ kind: 'text', text: historyText('stress test', d.history.stress) })
    blocks.push(table('Stress scenarios', ['scenario', 'portfolio loss', 'total return', 'worst pod', 'breach'], s.scenarios.map((x) => [x.name, pct(x.maxDrawdown), pct(x.totalReturn), x.worstPod ? `#${x.worstPod.runId}` : '—', x.breaches ? 'yes' : 'no'])))
    blocks.push(
      table(
        `Reverse stress: the smallest single-factor shock that breaches the ${pct(s.lossLimit)} loss limit`,
        ['factor', 'smallest breaching shock', 'loss there'],
        s.reverse.map((r) => [REVERSE_FACTOR[r.kind], r.alreadyBreached ? 'breached unshocked' : r.shock === null ? `none up to ${formatFact(r.searched)}` : formatFact(r.shock), r.loss === null ? '—' : pct(r.loss)])
      )
    )
  } else blocks.push({ kind: 'text', text: `No stress test is logged on portfolio #${d.portfolioId}; run one in the Risk view.` })
  blocks.push(...limitBlocks(d))
  const w = d.walkForward
  if (w) {
    const overfit = w.pbo.value > PBO_OVERFIT
    blocks.push({
      kind: 'text',
      text: `Walk-forward of pod #${w.runId}'s ${w.lab} parameter ${w.param} over ${sentenceList(w.values.map(String))} (${formatFact(w.folds.length)} ${w.windows.anchored ? 'anchored' : 'rolling'} folds, train ${formatFact(w.windows.train)}, test ${formatFact(w.windows.test)} steps, seed ${formatFact(w.seed)}): mean Sharpe in-sample ${formatFact(w.inSample)}, out-of-sample ${formatFact(w.outOfSample)}${w.efficiency === null ? '' : ` (efficiency ${formatFact(w.efficiency)})`}. PBO ${formatFact(w.pbo.value)} over ${formatFact(w.pbo.splits)} CSCV splits: ${overfit ? 'the selection is overfit (worse than chance out of sample)' : 'no evidence the selection is overfit'}; CPCV out-of-sample Sharpe ${formatFact(w.cpcv.outOfSample)} over ${formatFact(w.cpcv.paths)} paths.`
    })
    if (d.history?.walkForward) blocks.push({ kind: 'text', text: historyText('walk-forward', d.history.walkForward) })
    blocks.push(table('Walk-forward folds', ['fold', 'train', 'test', 'chosen', 'IS Sharpe', 'OOS Sharpe'], w.folds.map((x, k) => [formatFact(k + 1), `${x.trainFrom}–${x.trainTo}`, `${x.testFrom}–${x.testTo}`, String(x.chosen), formatFact(x.inSample), formatFact(x.outOfSample)])))
  } else blocks.push({ kind: 'text', text: `No walk-forward is logged on portfolio #${d.portfolioId}.` })
  if (!d.logIntact) blocks.push({ kind: 'text', text: `Warning: portfolio #${d.portfolioId}'s log does not verify link by link; these entries may have been altered.` })
  return blocks
}

/** The newest report against the ones logged before it. */
function historyText(what: string, h: NonNullable<NonNullable<MemoFacts['riskDesk']>['history']>['stress'] & object): string {
  if (h.earlier === 0) return `It is the only ${what} logged on this portfolio.`
  const before = `the newest of ${formatFact(h.earlier + 1)} ${what}s logged on this portfolio`
  return h.changed ? `This is ${before}; the verdict changed: now ${h.newestVerdict}, earlier ${sentenceList(h.earlierVerdicts)}.` : `This is ${before}; the ${formatFact(h.earlier)} earlier gave the same verdict (${h.newestVerdict}).`
}

/** The newest limit check: when it ran and what it found, breached or not, then the breaches with their actions. */
function limitBlocks(d: NonNullable<MemoFacts['riskDesk']>): FactBlock[] {
  const l = d.limits
  if (!l) return [{ kind: 'text', text: `No limit check is logged on portfolio #${d.portfolioId}; run one in the Risk view.` }]
  const blocks: FactBlock[] = []
  if (l.checked) {
    const breached = l.checked.rows.filter((r) => r.status === 'breach')
    blocks.push({
      kind: 'text',
      text: `Limits checked at ${l.checkedAt} (log entry ${formatFact(l.checkSeq)}): ${breached.length ? `${formatFact(breached.length)} of ${formatFact(l.checked.rows.length)} breached (${sentenceList(breached.map((r) => r.limit))})` : `none of ${formatFact(l.checked.rows.length)} breached`}.`
    })
    blocks.push(table('Limits checked (exposure limits at their worst step)', ['limit', 'value', 'at step', 'threshold', 'status'], l.checked.rows.map((r) => [r.limit, formatFact(r.value), formatFact(r.at), formatFact(r.threshold), r.status])))
  } else blocks.push({ kind: 'text', text: `Limits checked at ${l.checkedAt}; this log predates logged checks, so only the breaches below are on record.` })
  if (l.events.length) {
    const set = Object.entries(l.limits).map(([name, v]) => `${name} ${formatFact(v)}`)
    blocks.push(table(`Limit breaches logged as constraint events, with the action taken (limits: ${sentenceList(set)})`, ['seq', 'step', 'rule', 'action', 'message'], l.events.map((e) => [formatFact(e.seq), formatFact(e.t), e.rule ?? '—', e.action ?? '—', e.message])))
  }
  return blocks
}

/** The six memo fields, then the seven committee sections, each with its facts. */
export function memoSections(facts: MemoFacts): MemoSection[] {
  return [
    ...MEMO_FIELDS.map((f) => ({ id: f.id, title: f.title, group: 'memo' as const, facts: factsFor(f.id, facts) })),
    ...COMMITTEE_SECTIONS.map((s) => ({ id: s.id, title: s.title, group: 'committee' as const, facts: factsFor(s.id, facts) }))
  ]
}

export function metricsTable(facts: MemoFacts): FactBlock {
  return table('Metrics (under the notebook’s own names)', ['metric', 'value'], facts.metrics.map((m) => [m.name, formatFact(m.value)]))
}
