/** One question to the model and what became of it: the contract's record, as the selector writes it. */
export type { AgentCallRecord as AgentCall } from '../../../shared/contract/agent'
