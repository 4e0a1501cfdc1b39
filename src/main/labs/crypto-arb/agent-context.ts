import { round, type LabAgent } from '../../agent/selector/lab-agent'
import type { CryptoArbConfig } from './config'
import type { CryptoArbAction, CryptoArbObservation } from './policy'

/** The book's agent in the cross-exchange crypto arbitrage lab (notebook CHAPTER 1). */
export const cryptoArbAgent: LabAgent<CryptoArbConfig, CryptoArbObservation, CryptoArbAction> = {
  labId: 'crypto-arb',
  brief: 'The same coins quoted on several venues drift apart; a scanner ranks the price gaps net of fees, and the agent decides whether to trade the best one.',
  actions: {
    hold: 'do nothing this tick',
    execute_arb: 'buy on the cheap venue and sell on the dear one, at the scanner’s optimal size'
  },
  // The notebook's agent runs on its session ticks with an opportunity; no config switches.
  settings: () => ({}),
  asks: (o) => o.agentTick,
  context: (o, step) => ({
    t: o.t,
    opportunities: o.count,
    best_net_edge: round(o.bestNet, 6),
    best_size: round(o.topSize, 6),
    last_action: step.lastAction
  })
}
