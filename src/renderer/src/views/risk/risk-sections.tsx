import type { ReactElement } from 'react'
import type { LabInfo, PortfolioDetail, PortfolioRiskReport, RiskMethod } from '../../../../shared/contract'
import { BacktestTable } from './BacktestTable'
import { LimitsTable } from './LimitsTable'
import { StressTable } from './StressTable'
import { WalkForwardPanel } from './WalkForwardPanel'
import './desk.css'

/** What every section of the Risk view receives: the portfolio, the engine's risk report, and the method the user is reading. */
export interface RiskSectionProps {
  detail: PortfolioDetail
  report: PortfolioRiskReport
  method: RiskMethod
  onMethod(method: RiskMethod): void
  /** The labs' descriptions (their default configs name the knobs a walk-forward may vary). */
  labs: readonly LabInfo[]
}

export interface RiskSection {
  id: string
  title: string
  render(props: RiskSectionProps): ReactElement
}

/**
 * The Risk view's tables under the bands chart, in order. Stress and limits tables join by
 * appending their entry here, each a component of RiskSectionProps.
 */
export const RISK_SECTIONS: RiskSection[] = [
  { id: 'backtests', title: 'Backtests: which model would the desk trust?', render: (props) => <BacktestTable {...props} /> },
  { id: 'stress', title: 'Stress: what breaks the portfolio, and the smallest shock that does', render: (props) => <StressTable {...props} /> },
  { id: 'limits', title: 'Limits: value, threshold, status and the action taken (breaches logged as constraint events)', render: (props) => <LimitsTable {...props} /> },
  { id: 'walk-forward', title: 'Walk-forward: in- vs out-of-sample Sharpe per fold, and the probability of backtest overfitting', render: (props) => <WalkForwardPanel {...props} /> }
]
