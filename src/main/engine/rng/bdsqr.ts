import { dlartg, dlas2, dlasv2, EPS, MAXITR, RTMAX, RTMIN, SAFMIN, sign, TOL } from './lapack-kernels'

/**
 * The singular values of an upper bidiagonal n × n matrix B and its right singular vectors, as
 * LAPACK's dbdsdc('U', 'I') computes them for n ≤ 25: dlasdq → dbdsqr (implicit-shift QR, every
 * rotation applied to Vᵀ = I), then dlasdq's ascending sort and dbdsdc's descending selection
 * sort. The second half of dgesdd (gesdd.ts), ported operation for operation from Reference
 * LAPACK 3.11 so that signs and, where the arithmetic allows, bits match NumPy's.
 */
export class BidiagonalSvd {
  /** Vᵀ of B, column-major (LAPACK's layout): the identity, then every right rotation. */
  readonly v: Float64Array
  private readonly work: Float64Array
  private readonly rot = new Float64Array(6)
  /** The last rotation of lartg: cosine and sine (fields, not an array: the QR chase reads them at once). */
  private cs = 0
  private sn = 0

  /**
   * B lives in the caller's arrays: `d`, its n diagonal entries, and `e`, its n − 1 superdiagonal
   * ones. solve() leaves the singular values, decreasing, in `d` and destroys `e`.
   */
  constructor(
    readonly n: number,
    private readonly d: Float64Array,
    private readonly e: Float64Array
  ) {
    this.v = new Float64Array(n * n)
    this.work = new Float64Array(4 * n)
  }

  /** dlasr('L', 'V', dir) on rows ll … ll + count − 1 of Vᵀ (column-major), c and s from work. */
  private dlasrLeft(forward: boolean, count: number, ic: number, is: number, ll: number): void {
    const v = this.v
    const n = this.n
    const work = this.work
    // one loop for both directions (no closure per call: this runs every QR sweep)
    const last = count - 2
    for (let jj = 0; jj <= last; jj++) {
      const j = forward ? jj : last - jj
      const ct = work[ic + j]!
      const st = work[is + j]!
      if (ct === 1 && st === 0) continue
      for (let k = ll + j, end = k + n * n; k < end; k += n) {
        const temp = v[k + 1]!
        const vk = v[k]!
        v[k + 1] = ct * temp - st * vk
        v[k] = st * temp + ct * vk
      }
    }
  }

  /** drot on rows r and r + 1 of Vᵀ. */
  private drotRows(r: number, c: number, s: number): void {
    const v = this.v
    const n = this.n
    for (let i = 0; i < n; i++) {
      const k = i * n + r
      const t = c * v[k]! + s * v[k + 1]!
      v[k + 1] = c * v[k + 1]! - s * v[k]!
      v[k] = t
    }
  }

  private swapRows(r1: number, r2: number): void {
    const v = this.v
    const n = this.n
    for (let i = 0; i < n; i++) {
      const t = v[i * n + r1]!
      v[i * n + r1] = v[i * n + r2]!
      v[i * n + r2] = t
    }
  }

  /**
   * dlartg for the QR chase: the same arithmetic, its common branch (both |f| and |g| in
   * (RTMIN, RTMAX), so both nonzero) inline; c and s into cs and sn, r returned.
   */
  private lartg(f: number, g: number): number {
    const f1 = Math.abs(f)
    const g1 = Math.abs(g)
    if (f1 > RTMIN && f1 < RTMAX && g1 > RTMIN && g1 < RTMAX) {
      const d = Math.sqrt(f * f + g * g)
      this.cs = f1 / d
      const r = f < 0 ? -d : d
      this.sn = g / r
      return r
    }
    const rot = this.rot
    dlartg(f, g, rot)
    this.cs = rot[0]!
    this.sn = rot[1]!
    return rot[2]!
  }

  /** dbdsdc('U', 'I') for n ≤ 25: dlasdq → dbdsqr('U', n, ncvt = n, nru, 0), then the two sorts. */
  solve(): void {
    const n = this.n
    const d = this.d
    const v = this.v
    v.fill(0)
    for (let i = 0; i < n; i++) v[i * n + i] = 1
    if (n === 1) {
      d[0] = Math.abs(d[0]!)
      return
    }
    if (n > 25) throw new RangeError(`svd: order ${n} > 25 takes dbdsdc's divide-and-conquer branch, which is not ported`)
    this.dbdsqr()
    // dlasdq: selection into ascending order
    for (let i = 0; i < n; i++) {
      let isub = i
      let smin = d[i]!
      for (let j = i + 1; j < n; j++) {
        if (d[j]! < smin) {
          isub = j
          smin = d[j]!
        }
      }
      if (isub !== i) {
        d[isub] = d[i]!
        d[i] = smin
        this.swapRows(isub, i)
      }
    }
    // dbdsdc label 40: selection into decreasing order
    for (let i = 0; i < n - 1; i++) {
      let kk = i
      let p = d[i]!
      for (let j = i + 1; j < n; j++) {
        if (d[j]! > p) {
          kk = j
          p = d[j]!
        }
      }
      if (kk !== i) {
        d[kk] = d[i]!
        d[i] = p
        this.swapRows(i, kk)
      }
    }
  }

  /** dbdsqr, upper bidiagonal, right vectors only (the U rotations never feed back into the iteration). */
  private dbdsqr(): void {
    const n = this.n
    const d = this.d
    const e = this.e
    const work = this.work
    const rot = this.rot
    const nm1 = n - 1
    const nm12 = nm1 + nm1
    const nm13 = nm12 + nm1
    let idir = 0
    // relative accuracy: TOL ≥ 0
    let smax = 0
    for (let i = 0; i < n; i++) smax = Math.max(smax, Math.abs(d[i]!))
    for (let i = 0; i < n - 1; i++) smax = Math.max(smax, Math.abs(e[i]!))
    let sminoa = Math.abs(d[0]!)
    if (sminoa !== 0) {
      let mu = sminoa
      for (let i = 1; i < n; i++) {
        mu = Math.abs(d[i]!) * (mu / (mu + Math.abs(e[i - 1]!)))
        sminoa = Math.min(sminoa, mu)
        if (sminoa === 0) break
      }
    }
    sminoa = sminoa / Math.sqrt(n)
    const thresh = Math.max(TOL * sminoa, MAXITR * (n * (n * SAFMIN)))
    const maxitdivn = MAXITR * n
    let iterdivn = 0
    let iter = -1
    let oldll = -1
    let oldm = -1
    let sminl = 0
    // 1-based indices as in Fortran: D(i) = d[i - 1], E(i) = e[i - 1]
    let m = n
    for (;;) {
      if (m <= 1) break
      if (iter >= n) {
        iter -= n
        iterdivn++
        if (iterdivn >= maxitdivn) throw new Error('svd: dbdsqr did not converge')
      }
      smax = Math.abs(d[m - 1]!)
      let ll = 0
      let split = false
      for (let lll = 1; lll <= m - 1; lll++) {
        ll = m - lll
        const abss = Math.abs(d[ll - 1]!)
        const abse = Math.abs(e[ll - 1]!)
        if (abse <= thresh) {
          split = true
          break
        }
        smax = Math.max(smax, abss, abse)
      }
      if (split) {
        e[ll - 1] = 0
        if (ll === m - 1) {
          m -= 1
          continue
        }
      } else ll = 0
      ll = ll + 1
      if (ll === m - 1) {
        dlasv2(d[m - 2]!, e[m - 2]!, d[m - 1]!, rot)
        d[m - 2] = rot[1]!
        e[m - 2] = 0
        d[m - 1] = rot[0]!
        this.drotRows(m - 2, rot[3]!, rot[2]!)
        m -= 2
        continue
      }
      if (ll > oldm || m < oldll) {
        idir = Math.abs(d[ll - 1]!) >= Math.abs(d[m - 1]!) ? 1 : 2
      }
      let restart = false
      if (idir === 1) {
        if (Math.abs(e[m - 2]!) <= Math.abs(TOL) * Math.abs(d[m - 1]!)) {
          e[m - 2] = 0
          continue
        }
        let mu = Math.abs(d[ll - 1]!)
        sminl = mu
        for (let lll = ll; lll <= m - 1; lll++) {
          if (Math.abs(e[lll - 1]!) <= TOL * mu) {
            e[lll - 1] = 0
            restart = true
            break
          }
          mu = Math.abs(d[lll]!) * (mu / (mu + Math.abs(e[lll - 1]!)))
          sminl = Math.min(sminl, mu)
        }
      } else {
        if (Math.abs(e[ll - 1]!) <= Math.abs(TOL) * Math.abs(d[ll - 1]!)) {
          e[ll - 1] = 0
          continue
        }
        let mu = Math.abs(d[m - 1]!)
        sminl = mu
        for (let lll = m - 1; lll >= ll; lll--) {
          if (Math.abs(e[lll - 1]!) <= TOL * mu) {
            e[lll - 1] = 0
            restart = true
            break
          }
          mu = Math.abs(d[lll - 1]!) * (mu / (mu + Math.abs(e[lll - 1]!)))
          sminl = Math.min(sminl, mu)
        }
      }
      if (restart) continue
      oldll = ll
      oldm = m
      let shift: number
      if (n * TOL * (sminl / smax) <= Math.max(EPS, 0.01 * TOL)) shift = 0
      else {
        let sll: number
        if (idir === 1) {
          sll = Math.abs(d[ll - 1]!)
          dlas2(d[m - 2]!, e[m - 2]!, d[m - 1]!, rot)
        } else {
          sll = Math.abs(d[m - 1]!)
          dlas2(d[ll - 1]!, e[ll - 1]!, d[ll]!, rot)
        }
        shift = rot[0]!
        if (sll > 0) {
          const q = shift / sll
          if (q * q < EPS) shift = 0
        }
      }
      iter = iter + m - ll
      const count = m - ll + 1
      if (shift === 0) {
        if (idir === 1) {
          let cs = 1
          let oldcs = 1
          let oldsn = 0
          let sn = 0
          for (let i = ll; i <= m - 1; i++) {
            dlartg(d[i - 1]! * cs, e[i - 1]!, rot)
            cs = rot[0]!
            sn = rot[1]!
            const r = rot[2]!
            if (i > ll) e[i - 2] = oldsn * r
            dlartg(oldcs * r, d[i]! * sn, rot)
            oldcs = rot[0]!
            oldsn = rot[1]!
            d[i - 1] = rot[2]!
            work[i - ll] = cs
            work[i - ll + nm1] = sn
            work[i - ll + nm12] = oldcs
            work[i - ll + nm13] = oldsn
          }
          const h = d[m - 1]! * cs
          d[m - 1] = h * oldcs
          e[m - 2] = h * oldsn
          this.dlasrLeft(true, count, 0, nm1, ll - 1)
          if (Math.abs(e[m - 2]!) <= thresh) e[m - 2] = 0
        } else {
          let cs = 1
          let oldcs = 1
          let oldsn = 0
          let sn = 0
          for (let i = m; i >= ll + 1; i--) {
            dlartg(d[i - 1]! * cs, e[i - 2]!, rot)
            cs = rot[0]!
            sn = rot[1]!
            const r = rot[2]!
            if (i < m) e[i - 1] = oldsn * r
            dlartg(oldcs * r, d[i - 2]! * sn, rot)
            oldcs = rot[0]!
            oldsn = rot[1]!
            d[i - 1] = rot[2]!
            work[i - ll - 1] = cs
            work[i - ll - 1 + nm1] = -sn
            work[i - ll - 1 + nm12] = oldcs
            work[i - ll - 1 + nm13] = -oldsn
          }
          const h = d[ll - 1]! * cs
          d[ll - 1] = h * oldcs
          e[ll - 1] = h * oldsn
          this.dlasrLeft(false, count, nm12, nm13, ll - 1)
          if (Math.abs(e[ll - 1]!) <= thresh) e[ll - 1] = 0
        }
      } else if (idir === 1) {
        let f = (Math.abs(d[ll - 1]!) - shift) * (sign(1, d[ll - 1]!) + shift / d[ll - 1]!)
        let g = e[ll - 1]!
        for (let i = ll; i <= m - 1; i++) {
          const rr = this.lartg(f, g)
          const cosr = this.cs
          const sinr = this.sn
          if (i > ll) e[i - 2] = rr
          f = cosr * d[i - 1]! + sinr * e[i - 1]!
          e[i - 1] = cosr * e[i - 1]! - sinr * d[i - 1]!
          g = sinr * d[i]!
          d[i] = cosr * d[i]!
          d[i - 1] = this.lartg(f, g)
          const cosl = this.cs
          const sinl = this.sn
          f = cosl * e[i - 1]! + sinl * d[i]!
          d[i] = cosl * d[i]! - sinl * e[i - 1]!
          if (i < m - 1) {
            g = sinl * e[i]!
            e[i] = cosl * e[i]!
          }
          work[i - ll] = cosr
          work[i - ll + nm1] = sinr
          work[i - ll + nm12] = cosl
          work[i - ll + nm13] = sinl
        }
        e[m - 2] = f
        this.dlasrLeft(true, count, 0, nm1, ll - 1)
        if (Math.abs(e[m - 2]!) <= thresh) e[m - 2] = 0
      } else {
        let f = (Math.abs(d[m - 1]!) - shift) * (sign(1, d[m - 1]!) + shift / d[m - 1]!)
        let g = e[m - 2]!
        for (let i = m; i >= ll + 1; i--) {
          const rr = this.lartg(f, g)
          const cosr = this.cs
          const sinr = this.sn
          if (i < m) e[i - 1] = rr
          f = cosr * d[i - 1]! + sinr * e[i - 2]!
          e[i - 2] = cosr * e[i - 2]! - sinr * d[i - 1]!
          g = sinr * d[i - 2]!
          d[i - 2] = cosr * d[i - 2]!
          d[i - 1] = this.lartg(f, g)
          const cosl = this.cs
          const sinl = this.sn
          f = cosl * e[i - 2]! + sinl * d[i - 2]!
          d[i - 2] = cosl * d[i - 2]! - sinl * e[i - 2]!
          if (i > ll + 1) {
            g = sinl * e[i - 3]!
            e[i - 3] = cosl * e[i - 3]!
          }
          work[i - ll - 1] = cosr
          work[i - ll - 1 + nm1] = -sinr
          work[i - ll - 1 + nm12] = cosl
          work[i - ll - 1 + nm13] = -sinl
        }
        e[ll - 1] = f
        if (Math.abs(e[ll - 1]!) <= thresh) e[ll - 1] = 0
        this.dlasrLeft(false, count, nm12, nm13, ll - 1)
      }
    }
    // label 160: make the singular values positive, flipping the row of Vᵀ
    const v = this.v
    for (let i = 0; i < n; i++) {
      if (d[i]! < 0) {
        d[i] = -d[i]!
        for (let j = 0; j < n; j++) v[j * n + i] = -1 * v[j * n + i]!
      }
    }
    // insertion-style sort into decreasing order, one transposition per vector
    for (let i = 1; i <= n - 1; i++) {
      let isub = 1
      let smin = d[0]!
      for (let j = 2; j <= n + 1 - i; j++) {
        if (d[j - 1]! <= smin) {
          isub = j
          smin = d[j - 1]!
        }
      }
      if (isub !== n + 1 - i) {
        d[isub - 1] = d[n - i]!
        d[n - i] = smin
        this.swapRows(isub - 1, n - i)
      }
    }
  }
}
