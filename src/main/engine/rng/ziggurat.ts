import { exp, log1p } from './libm'
import {
  FE_DOUBLE,
  FI_DOUBLE,
  KE_DOUBLE,
  KI_DOUBLE,
  WE_DOUBLE,
  WI_DOUBLE,
  ZIGGURAT_EXP_R,
  ZIGGURAT_NOR_INV_R,
  ZIGGURAT_NOR_R
} from './ziggurat-tables'

/** A 64-bit source that leaves each draw in hi/lo as int32 bit patterns (PCG64). */
export interface Uint64Source {
  hi: number
  lo: number
  next64(): void
  nextDouble(): number
}

/**
 * random_standard_normal (numpy/random/src/distributions/distributions.c): a 256-layer
 * ziggurat on one 64-bit draw: 8 bits pick the layer, 1 the sign, 52 the abscissa.
 */
export function zigguratNormal(bg: Uint64Source): number {
  for (;;) {
    bg.next64()
    const lo = bg.lo
    const idx = lo & 0xff
    const rabs = (bg.hi & 0x1fffffff) * 8388608 + (lo >>> 9)
    const x = (lo & 0x100) === 0 ? rabs * WI_DOUBLE[idx]! : -(rabs * WI_DOUBLE[idx]!)
    if (rabs < KI_DOUBLE[idx]!) return x
    if (idx === 0) {
      // Base layer: sample the tail beyond r (Marsaglia 1964); log1p(-U) as NumPy 2.x computes it.
      for (;;) {
        const xx = -ZIGGURAT_NOR_INV_R * log1p(-bg.nextDouble())
        const yy = -log1p(-bg.nextDouble())
        if (yy + yy > xx * xx) return (lo & 0x20000) !== 0 ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx
      }
    }
    const f0 = FI_DOUBLE[idx - 1]!
    const f1 = FI_DOUBLE[idx]!
    if ((f0 - f1) * bg.nextDouble() + f1 < exp(-0.5 * x * x)) return x
  }
}

/** random_standard_exponential_zig: 256 layers on the top 53 bits of a 64-bit draw. */
export function zigguratExponential(bg: Uint64Source): number {
  for (;;) {
    bg.next64()
    const idx = (bg.lo >>> 3) & 0xff
    const ri = (bg.hi >>> 0) * 2097152 + (bg.lo >>> 11)
    const x = ri * WE_DOUBLE[idx]!
    if (ri < KE_DOUBLE[idx]!) return x
    if (idx === 0) return ZIGGURAT_EXP_R - log1p(-bg.nextDouble())
    const f0 = FE_DOUBLE[idx - 1]!
    const f1 = FE_DOUBLE[idx]!
    if ((f0 - f1) * bg.nextDouble() + f1 < exp(-x)) return x
  }
}
