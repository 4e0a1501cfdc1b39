import type { AnyLab } from '../engine/kernel'
import { creditSpreadsLab } from './credit-spreads/lab'
import { fundingBasisLab } from './funding-basis/lab'
import { fxCarryLab } from './fx-carry/lab'
import { hestonRegimeLab } from './heston-regime/lab'
import { latencyArbLab } from './latency-arb/lab'
import { microstructureLab } from './microstructure/lab'
import { oilCurveLab } from './oil-curve/lab'
import { volSurfaceLab } from './vol-surface/lab'
import { yieldCurveLab } from './yield-curve/lab'
import { cascadeLab } from './cascade/lab'
import { crossAssetLab } from './cross-asset/lab'
import { orderFlowLab } from './order-flow/lab'
import { equityFactorsLab } from './equity-factors/lab'
import { cryptoArbLab } from './crypto-arb/lab'
import { marketTerrainLab } from './market-terrain/lab'

// Every mechanism lab the engine can run, by id. A lab joins by adding one line here: the
// engine, the CLI, the catalogue the UI reads (labs.list) and the tests all go through this list.
const labs: AnyLab[] = [oilCurveLab, fxCarryLab, yieldCurveLab, creditSpreadsLab, volSurfaceLab, fundingBasisLab, latencyArbLab, microstructureLab, hestonRegimeLab, cascadeLab, equityFactorsLab, orderFlowLab, crossAssetLab, cryptoArbLab, marketTerrainLab]

export const labRegistry: ReadonlyMap<string, AnyLab> = new Map(labs.map((lab) => [lab.id, lab]))

export function labIds(): string[] {
  return [...labRegistry.keys()]
}
