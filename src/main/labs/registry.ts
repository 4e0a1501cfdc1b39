import { creditSpreadsModule } from './credit-spreads/lab'
import { fundingBasisModule } from './funding-basis/lab'
import { fxCarryModule } from './fx-carry/lab'
import { hestonRegimeModule } from './heston-regime/lab'
import { latencyArbModule } from './latency-arb/lab'
import { microstructureModule } from './microstructure/lab'
import type { LabModule } from './lab-module'

// Every mechanism lab the engine can run, by id. A lab joins by adding one line here.
const modules: LabModule[] = [fxCarryModule, creditSpreadsModule, fundingBasisModule, latencyArbModule, microstructureModule, hestonRegimeModule]

export const labRegistry: ReadonlyMap<string, LabModule> = new Map(modules.map((m) => [m.definition.id, m]))

export function labIds(): string[] {
  return [...labRegistry.keys()]
}
