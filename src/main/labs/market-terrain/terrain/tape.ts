import type { BarTerrain, TerrainScanner } from './scanner'

// The terrain kept bar by bar for a whole series: what a run's market (market.ts) and a user's
// file (csv-market.ts) both record from the scanner, so the view, the report and the CLI read one
// recording whatever the source. Typed arrays sized once; recording a bar allocates nothing.

/** Correlation frames kept for the surface: at most this many numbers, so 500 assets stay in memory. */
export const FRAME_BUDGET = 8_000_000

export class TerrainTape {
  /** 1 on bars the scanner had read (its short window filled). */
  readonly ready: Uint8Array
  /** Per bar (NaN before the short window fills). */
  readonly eigenHardness: Float64Array
  readonly edgeHardness: Float64Array
  readonly absorption: Float64Array
  readonly effectiveRank: Float64Array
  readonly meanCorrelation: Float64Array
  /** Mean of the assets' short-window volatility. */
  readonly meanVol: Float64Array
  readonly alertsNew: Int32Array
  readonly alertsActive: Int32Array
  /** Per bar and asset (bar-major); node hardness reads `unread` before the window fills. */
  readonly nodeHardness: Float32Array
  readonly nodeAlerts: Uint16Array
  readonly ward: Int16Array
  readonly precision: Int16Array
  readonly pc1: Float32Array
  readonly assetVol: Float32Array
  /** Short-window correlation every frameStride bars (frame k is bar k·frameStride). */
  readonly frames: Float32Array
  readonly frameStride: number
  /** Per-edge hardness at the frame bars: the upper triangle i < j in row order (NaN before it is read). */
  readonly edgeFrames: Float32Array

  constructor(
    readonly n: number,
    readonly bars: number,
    unread = 0
  ) {
    const nan = () => new Float64Array(bars).fill(Number.NaN)
    this.ready = new Uint8Array(bars)
    this.eigenHardness = nan()
    this.edgeHardness = nan()
    this.absorption = nan()
    this.effectiveRank = nan()
    this.meanCorrelation = nan()
    this.meanVol = nan()
    this.alertsNew = new Int32Array(bars)
    this.alertsActive = new Int32Array(bars)
    this.nodeHardness = new Float32Array(bars * n).fill(unread)
    this.nodeAlerts = new Uint16Array(bars * n)
    this.ward = new Int16Array(bars * n)
    this.precision = new Int16Array(bars * n)
    this.pc1 = new Float32Array(bars * n)
    this.assetVol = new Float32Array(bars * n)
    this.frameStride = Math.max(1, Math.ceil((bars * n * n) / FRAME_BUDGET))
    const kept = Math.ceil(bars / this.frameStride)
    this.frames = new Float32Array(kept * n * n)
    this.edgeFrames = new Float32Array((kept * n * (n - 1)) / 2).fill(Number.NaN)
  }

  /** Records bar t's reading `r` of `scanner` (its edge hardness is read from the scanner on frame bars). */
  record(t: number, r: BarTerrain, scanner: TerrainScanner): void {
    const n = this.n
    if (r.ready) {
      this.ready[t] = 1
      this.eigenHardness[t] = r.eigenHardness
      this.edgeHardness[t] = r.edgeHardness
      this.absorption[t] = r.absorption
      this.effectiveRank[t] = r.effectiveRank
      this.meanCorrelation[t] = r.meanCorrelation
      this.alertsNew[t] = r.alertsNew
      this.alertsActive[t] = r.alertsActive
      let vol = 0
      for (let i = 0; i < n; i++) {
        this.nodeHardness[t * n + i] = r.nodeHardness[i]!
        this.nodeAlerts[t * n + i] = r.nodeAlerts[i]!
        this.ward[t * n + i] = r.cluster[i]!
        this.precision[t * n + i] = r.precisionCluster[i]!
        this.pc1[t * n + i] = r.eigenvectors[i]!
        this.assetVol[t * n + i] = r.volatility[i]!
        vol += r.volatility[i]!
      }
      this.meanVol[t] = vol / n
    }
    if (t % this.frameStride === 0) {
      const frame = t / this.frameStride
      const f = frame * n * n
      if (r.ready) {
        for (let k = 0; k < n * n; k++) this.frames[f + k] = r.correlation[k]!
        scanner.edgeHardness(this.edgeFrames, (frame * n * (n - 1)) / 2)
      } else for (let i = 0; i < n; i++) this.frames[f + i * n + i] = 1
    }
  }
}
