import { formatMetric } from './run-text'

export interface MetricsTableProps {
  metrics: Iterable<readonly [string, number | null]>
  label: string
  className?: string
  testId?: string
  /** Column headers; none for the compact side panels. */
  header?: boolean
}

/** A run's metrics under the notebook's own names, one row each (`data-metric` for tests and links). */
export function MetricsTable({ metrics, label, className = 'compact', testId, header = false }: MetricsTableProps) {
  return (
    <table className={className} aria-label={label} data-testid={testId}>
      {header && (
        <thead>
          <tr>
            <th>metric</th>
            <th className="num">value</th>
          </tr>
        </thead>
      )}
      <tbody>
        {[...metrics].map(([name, value]) => (
          <tr key={name} data-metric={name}>
            <td className="mono">{name}</td>
            <td className="num mono">{formatMetric(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
