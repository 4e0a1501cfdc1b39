// The scalar pieces of Reference LAPACK 3.11 / reference BLAS that dgesdd's path calls (gesdd.ts):
// machine constants, dnrm2, dlapy2, dlartg and the 2 × 2 SVDs dlas2 and dlasv2, ported operation
// for operation so that NumPy's bits come out (the order of every sum and product is LAPACK's).
/** dlamch('E'): relative machine epsilon with rounding, 2^-53. */
export const EPS = 2 ** -53
/** dlamch('S'): safe minimum, the smallest normal double. */
export const SAFMIN = 2 ** -1022
/** la_constants: dsafmax. */
export const SAFMAX = 1 / SAFMIN
// dnrm2.f90 (Blue's scaling constants for IEEE double)
const TSML = 2 ** -511
const TBIG = 2 ** 486
const SSML = 2 ** 537
const SBIG = 2 ** -538
// dlartg.f90
export const RTMIN = Math.sqrt(SAFMIN)
export const RTMAX = Math.sqrt(SAFMAX / 2)
// dbdsqr
export const MAXITR = 6
export const TOL = Math.max(10, Math.min(100, Math.pow(EPS, -0.125))) * EPS
// dgesdd: SMLNUM = sqrt(dlamch('S')) / dlamch('P')
export const SMLNUM = Math.sqrt(SAFMIN) / (2 * EPS)
export const BIGNUM = 1 / SMLNUM

/** Fortran SIGN(a, b): |a| with the sign bit of b (gfortran honours −0). */
export function sign(a: number, b: number): number {
  return b < 0 || (b === 0 && 1 / b < 0) ? -Math.abs(a) : Math.abs(a)
}

/** BLAS dnrm2 (LAPACK 3.10+): sums of squares in three ranges, in index order. */
export function dnrm2(n: number, x: Float64Array, off: number, inc: number): number {
  if (n <= 0) return 0
  let notbig = true
  let asml = 0
  let amed = 0
  let abig = 0
  for (let i = 0, ix = off; i < n; i++, ix += inc) {
    const ax = Math.abs(x[ix]!)
    if (ax > TBIG) {
      const t = ax * SBIG
      abig += t * t
      notbig = false
    } else if (ax < TSML) {
      if (notbig) {
        const t = ax * SSML
        asml += t * t
      }
    } else amed += ax * ax
  }
  let scl = 1
  let sumsq = amed
  if (abig > 0) {
    if (amed > 0 || amed !== amed) abig += amed * SBIG * SBIG
    scl = 1 / SBIG
    sumsq = abig
  } else if (asml > 0) {
    if (amed > 0 || amed !== amed) {
      const med = Math.sqrt(amed)
      const sml = Math.sqrt(asml) / SSML
      const ymin = sml > med ? med : sml
      const ymax = sml > med ? sml : med
      scl = 1
      const q = ymin / ymax
      sumsq = ymax * ymax * (1 + q * q)
    } else {
      scl = 1 / SSML
      sumsq = asml
    }
  }
  return scl * Math.sqrt(sumsq)
}

/** dlapy2: sqrt(x² + y²) without needless overflow. */
export function dlapy2(x: number, y: number): number {
  const xa = Math.abs(x)
  const ya = Math.abs(y)
  const w = Math.max(xa, ya)
  const z = Math.min(xa, ya)
  if (z === 0 || w > Number.MAX_VALUE) return w
  const q = z / w
  return w * Math.sqrt(1 + q * q)
}

/** dlartg.f90 (LAPACK 3.10+): a plane rotation with r = sign(f)·√(f² + g²); out = [c, s, r]. */
export function dlartg(f: number, g: number, out: Float64Array): void {
  const f1 = Math.abs(f)
  const g1 = Math.abs(g)
  if (g === 0) {
    out[0] = 1
    out[1] = 0
    out[2] = f
  } else if (f === 0) {
    out[0] = 0
    out[1] = sign(1, g)
    out[2] = g1
  } else if (f1 > RTMIN && f1 < RTMAX && g1 > RTMIN && g1 < RTMAX) {
    const d = Math.sqrt(f * f + g * g)
    out[0] = f1 / d
    const r = sign(d, f)
    out[1] = g / r
    out[2] = r
  } else {
    const u = Math.min(SAFMAX, Math.max(SAFMIN, f1, g1))
    const fs = f / u
    const gs = g / u
    const d = Math.sqrt(fs * fs + gs * gs)
    out[0] = Math.abs(fs) / d
    const r = sign(d, f)
    out[1] = gs / r
    out[2] = r * u
  }
}

/** dlas2: singular values of [[f, g], [0, h]]; out = [ssmin, ssmax]. */
export function dlas2(f: number, g: number, h: number, out: Float64Array): void {
  const fa = Math.abs(f)
  const ga = Math.abs(g)
  const ha = Math.abs(h)
  const fhmn = Math.min(fa, ha)
  const fhmx = Math.max(fa, ha)
  if (fhmn === 0) {
    out[0] = 0
    if (fhmx === 0) out[1] = ga
    else {
      const q = Math.min(fhmx, ga) / Math.max(fhmx, ga)
      out[1] = Math.max(fhmx, ga) * Math.sqrt(1 + q * q)
    }
  } else if (ga < fhmx) {
    const as = 1 + fhmn / fhmx
    const at = (fhmx - fhmn) / fhmx
    const q = ga / fhmx
    const au = q * q
    const c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au))
    out[0] = fhmn * c
    out[1] = fhmx / c
  } else {
    const au = fhmx / ga
    if (au === 0) {
      out[0] = (fhmn * fhmx) / ga
      out[1] = ga
    } else {
      const as = 1 + fhmn / fhmx
      const at = (fhmx - fhmn) / fhmx
      const p = as * au
      const q = at * au
      const c = 1 / (Math.sqrt(1 + p * p) + Math.sqrt(1 + q * q))
      const ssmin = fhmn * c * au
      out[0] = ssmin + ssmin
      out[1] = ga / (c + c)
    }
  }
}

/** dlasv2: SVD of [[f, g], [0, h]]; out = [ssmin, ssmax, snr, csr, snl, csl]. */
export function dlasv2(f: number, g: number, h: number, out: Float64Array): void {
  let ft = f
  let fa = Math.abs(ft)
  let ht = h
  let ha = Math.abs(h)
  let pmax = 1
  const swap = ha > fa
  if (swap) {
    pmax = 3
    let temp = ft
    ft = ht
    ht = temp
    temp = fa
    fa = ha
    ha = temp
  }
  const gt = g
  const ga = Math.abs(gt)
  let ssmin: number
  let ssmax: number
  let clt: number
  let crt: number
  let slt: number
  let srt: number
  if (ga === 0) {
    ssmin = ha
    ssmax = fa
    clt = 1
    crt = 1
    slt = 0
    srt = 0
  } else {
    let gasmal = true
    ssmin = 0
    ssmax = 0
    clt = 0
    crt = 0
    slt = 0
    srt = 0
    if (ga > fa) {
      pmax = 2
      if (fa / ga < EPS) {
        gasmal = false
        ssmax = ga
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha
        clt = 1
        slt = ht / gt
        srt = 1
        crt = ft / gt
      }
    }
    if (gasmal) {
      const d = fa - ha
      let l = d === fa ? 1 : d / fa
      const m = gt / ft
      let t = 2 - l
      const mm = m * m
      const tt = t * t
      const s = Math.sqrt(tt + mm)
      const r = l === 0 ? Math.abs(m) : Math.sqrt(l * l + mm)
      const a = 0.5 * (s + r)
      ssmin = ha / a
      ssmax = fa * a
      if (mm === 0) {
        if (l === 0) t = sign(2, ft) * sign(1, gt)
        else t = gt / sign(d, ft) + m / t
      } else t = (m / (s + t) + m / (r + l)) * (1 + a)
      l = Math.sqrt(t * t + 4)
      crt = 2 / l
      srt = t / l
      clt = (crt + srt * m) / a
      slt = ((ht / ft) * srt) / a
    }
  }
  let csl: number
  let snl: number
  let csr: number
  let snr: number
  if (swap) {
    csl = srt
    snl = crt
    csr = slt
    snr = clt
  } else {
    csl = clt
    snl = slt
    csr = crt
    snr = srt
  }
  let tsign = 1
  if (pmax === 1) tsign = sign(1, csr) * sign(1, csl) * sign(1, f)
  if (pmax === 2) tsign = sign(1, snr) * sign(1, csl) * sign(1, g)
  if (pmax === 3) tsign = sign(1, snr) * sign(1, snl) * sign(1, h)
  out[0] = sign(ssmin, tsign * sign(1, f) * sign(1, h))
  out[1] = sign(ssmax, tsign)
  out[2] = snr
  out[3] = csr
  out[4] = snl
  out[5] = csl
}
