import type { TerrainGrouping } from '../../../../shared/contract'
import { formatValue } from '../../charts/colour-scale'

// The run report's grouping block: jump model, K-means and HMM fitted on the first part of the
// readable bars and scored on the rest against the simulator's true regimes (grouping-run.ts).

const METHOD_NAMES: Readonly<Record<string, string>> = { jump: 'sparse jump model', kmeans: 'K-means', hmm: 'Gaussian HMM' }

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
