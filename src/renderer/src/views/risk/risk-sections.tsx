import type { ReactElement } from 'react'
import type { PortfolioDetail, PortfolioRiskReport, RiskMethod } from '../../../../shared/contract'
import { BacktestTable } from './BacktestTable'

/** What every section of the Risk view receives: the portfolio, the engine's risk report, and the method the user is reading. */
export interface RiskSectionProps {
  detail: PortfolioDetail
  report: PortfolioRiskReport
  method: RiskMethod
  onMethod(method: RiskMethod): void
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
export const RISK_SECTIONS: RiskSection[] = [{ id: 'backtests', title: 'Backtests: which model would the desk trust?', render: (props) => <BacktestTable {...props} /> }]
