import { useMemo } from 'react'
import type { WalkResults } from '../../../../shared/contract'
import { LineChart } from '../../charts/LineChart'
import { formatNumber } from '../../format/numbers'

export function WalkResultsPanel({ results }: { results: WalkResults }) {
  const steps = useMemo(() => {
    const x = new Float64Array(results.path.length)
    for (let k = 0; k < x.length; k++) x[k] = k * results.pathStride
    return x
  }, [results])
  const s = results.summary
  return (
    <>
      <dl className="metrics metrics-inline" aria-label="Metrics">
        <dt>final</dt>
        <dd>{formatNumber(s.final)}</dd>
        <dt>min / max</dt>
        <dd>
          {formatNumber(s.min)} / {formatNumber(s.max)}
        </dd>
        <dt>mean increment</dt>
        <dd>{formatNumber(s.meanIncrement, 6)}</dd>
        <dt>stdev increment</dt>
        <dd>{formatNumber(s.stdevIncrement, 6)}</dd>
        <dt>max drawdown</dt>
        <dd>{formatNumber(s.maxDrawdown)}</dd>
      </dl>
      <LineChart x={steps} values={results.path} label="level" />
    </>
  )
}
