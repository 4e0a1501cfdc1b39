import type { TerrainCsvGrouping, TerrainGrouping, TerrainHeldOut } from '../../../../shared/contract'
import { formatValue } from '../../charts/colour-scale'

// The run report's grouping block: jump model, K-means and HMM fitted on the first part of the
// readable bars and scored on the rest against the simulator's true regimes (grouping-run.ts);
// the held-out block (fitted on training seeds, scored on other seeds' universes) when the run
// set grouping.heldout_seeds; and, for a user's file, each method's own regimes (no truth).

export const METHOD_NAMES: Readonly<Record<string, string>> = { jump: 'sparse jump model', kmeans: 'K-means', hmm: 'Gaussian HMM' }

export function GroupingTable({ grouping }: { grouping: TerrainGrouping }) {
  const best = Math.max(...grouping.methods.map((m) => m.accuracy))
  return (
    <table className="compact terrain-grouping" data-testid="terrain-grouping">
      <thead>
        <tr>
          <th>method</th>
          <th className="num" title="Share of held-out bars whose fitted regime matches the true one">accuracy</th>
          <th className="num" title="The same, reading each bar from bars ≤ t only">online accuracy</th>
          <th className="num" title="Regime switches on the held-out bars">switches</th>
          <th className="num" title="Mean bars between switches">mean run</th>
          <th className="num" title="Mean bars from a true regime change to the method's switch">time to detection</th>
          <th className="num">detected</th>
          <th className="num" title="Switches with no true change nearby">false switches</th>
          <th className="num">λ</th>
        </tr>
      </thead>
      <tbody>
        {grouping.methods.map((m) => (
          <tr key={m.method} data-method={m.method} className={m.accuracy === best ? 'chosen' : undefined}>
            <td>{METHOD_NAMES[m.method] ?? m.method}</td>
            <td className="num mono" data-testid="grouping-accuracy" data-value={String(m.accuracy)}>
              <span className="terrain-bar-cell" style={{ width: `${Math.round(m.accuracy * 60)}px` }} />
              {(100 * m.accuracy).toFixed(1)} %
            </td>
            <td className="num mono">{(100 * m.onlineAccuracy).toFixed(1)} %</td>
            <td className="num mono">{m.switches}</td>
            <td className="num mono">{formatValue(m.meanRunLength, 100)}</td>
            <td className="num mono" data-testid="grouping-detection">{m.meanTimeToDetection === null ? '—' : `${m.meanTimeToDetection.toFixed(1)} bars`}</td>
            <td className="num mono">
              {m.detected} / {m.trueChanges}
            </td>
            <td className="num mono">{m.falseSwitches}</td>
            <td className="num mono">{m.lambda === null ? '—' : Number.isInteger(m.lambda) ? m.lambda : formatValue(m.lambda)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

const lambdaText = (lambda: number | null): string => (lambda === null ? '—' : Number.isInteger(lambda) ? String(lambda) : formatValue(lambda))
const percent = (x: number): string => `${(100 * x).toFixed(1)} %`

/** The report's grouping.held_out: each method's mean over the held-out seeds, with the worst and best seed. */
export function HeldOutTable({ heldOut }: { heldOut: TerrainHeldOut }) {
  const best = Math.max(...heldOut.methods.map((m) => m.accuracy))
  return (
    <table className="compact terrain-grouping" data-testid="terrain-heldout">
      <thead>
        <tr>
          <th>method</th>
          <th className="num" title={`Mean over the ${heldOut.seeds.length} held-out seeds of the share of bars whose regime matches the true one`}>accuracy (mean)</th>
          <th className="num" title="Worst and best held-out seed">range</th>
          <th className="num" title="The same, reading each bar from bars ≤ t only">online accuracy</th>
          <th className="num" title="Mean regime switches per held-out seed">switches / seed</th>
          <th className="num" title="Mean bars from a true change to its detection, over every change caught on every held-out seed">bars to detect</th>
          <th className="num" title="True changes caught, over all held-out seeds">changes caught</th>
          <th className="num" title="Mean switches per seed with no true change nearby">false switches / seed</th>
          <th className="num">λ</th>
        </tr>
      </thead>
      <tbody>
        {heldOut.methods.map((m) => (
          <tr key={m.method} data-method={m.method} className={m.accuracy === best ? 'chosen' : undefined}>
            <td>{METHOD_NAMES[m.method] ?? m.method}</td>
            <td className="num mono" data-testid="heldout-accuracy" data-value={String(m.accuracy)}>
              <span className="terrain-bar-cell" style={{ width: `${Math.round(m.accuracy * 60)}px` }} />
              {percent(m.accuracy)}
            </td>
            <td className="num mono" data-testid="heldout-range" data-value={`${m.accuracyMin},${m.accuracyMax}`}>
              {percent(m.accuracyMin)} – {percent(m.accuracyMax)}
            </td>
            <td className="num mono">{percent(m.onlineAccuracy)}</td>
            <td className="num mono" data-testid="heldout-switches" data-value={String(m.switches)}>
              {formatValue(m.switches, 100)}
            </td>
            <td className="num mono" data-testid="heldout-detection" data-value={String(m.meanTimeToDetection)}>
              {m.meanTimeToDetection === null ? '—' : m.meanTimeToDetection.toFixed(1)}
            </td>
            <td className="num mono" data-testid="heldout-caught" data-value={`${m.detected},${m.trueChanges}`}>
              {m.detected} / {m.trueChanges}
            </td>
            <td className="num mono">{formatValue(m.falseSwitches, 100)}</td>
            <td className="num mono" data-testid="heldout-lambda" data-value={String(m.lambda)}>
              {lambdaText(m.lambda)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A file's grouping: no true regimes to score against, so each method's switches and its share of riskier bars; a row picks the method that colours the ribbons. */
export function FileGroupingTable({ grouping, chosen, onChoose }: { grouping: TerrainCsvGrouping; chosen: string; onChoose(method: string): void }) {
  return (
    <table className="compact terrain-grouping" data-testid="terrain-file-grouping">
      <thead>
        <tr>
          <th>method</th>
          <th className="num" title="Switches of the path fitted on the whole file (in-sample)">switches (fitted)</th>
          <th className="num" title="Switches of the causal path: each bar read from bars ≤ t">switches (online)</th>
          <th className="num" title="Share of readable bars in the riskier regime (higher mean risk)">riskier share</th>
          <th className="num">λ</th>
          <th>colours the ribbons</th>
        </tr>
      </thead>
      <tbody>
        {grouping.methods.map((m) => (
          <tr key={m.method} data-method={m.method} className={m.method === chosen ? 'chosen' : undefined}>
            <td>{METHOD_NAMES[m.method] ?? m.method}</td>
            <td className="num mono" data-testid="file-switches" data-value={String(m.switches)}>
              {m.switches}
            </td>
            <td className="num mono" data-testid="file-online-switches" data-value={String(m.onlineSwitches)}>
              {m.onlineSwitches}
            </td>
            <td className="num mono" data-testid="file-risky-share" data-value={String(m.riskyShare)}>
              {percent(m.riskyShare)}
            </td>
            <td className="num mono">{lambdaText(m.lambda)}</td>
            <td>
              <input type="radio" name="terrain-file-method" checked={m.method === chosen} onChange={() => onChoose(m.method)} aria-label={`Colour by ${METHOD_NAMES[m.method] ?? m.method}`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
