import type { AnyLabAgent } from '../agent/selector/lab-agent'
import { cascadeAgent } from './cascade/agent-context'
import { creditSpreadsAgent } from './credit-spreads/agent-context'
import { crossAssetAgent } from './cross-asset/agent-context'
import { cryptoArbAgent } from './crypto-arb/agent-context'
import { equityFactorsAgent } from './equity-factors/agent-context'
import { fxCarryAgent } from './fx-carry/agent-context'
import { oilCurveAgent } from './oil-curve/agent-context'
import { orderFlowAgent } from './order-flow/agent-context'
import { volSurfaceAgent } from './vol-surface/agent-context'
import { yieldCurveAgent } from './yield-curve/agent-context'

/** What each book lab tells the book's agent, by lab id (labs not listed have no agent). */
export const labAgents: ReadonlyMap<string, AnyLabAgent> = new Map<string, AnyLabAgent>(
  [cryptoArbAgent, oilCurveAgent, fxCarryAgent, yieldCurveAgent, creditSpreadsAgent, volSurfaceAgent, equityFactorsAgent, orderFlowAgent, crossAssetAgent, cascadeAgent].map((a) => [a.labId, a])
)
