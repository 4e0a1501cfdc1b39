import type { Rgb } from './colour-scale'
import type { ViewTransform } from './scatter-transform'

const UNKNOWN: Rgb = [110, 118, 129]

/**
 * Writes every point as a 2 × 2 block of device pixels into an RGBA buffer (an ImageData's
 * data): one pass, no canvas calls, so 100,000 points cost a few milliseconds. Points outside
 * the buffer and non-finite points are skipped. `ratio` is device pixels per CSS pixel.
 */
export function rasterise(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  colourIndex: ArrayLike<number>,
  palette: readonly Rgb[],
  view: ViewTransform,
  ratio = 1
): number {
  const kx = view.kx * ratio
  const ky = view.ky * ratio
  const ox = view.ox * ratio
  const oy = view.oy * ratio
  let drawn = 0
  for (let i = 0; i < x.length; i++) {
    const px = Math.round(ox + x[i]! * kx)
    const py = Math.round(oy - y[i]! * ky)
    if (!(px >= 0 && py >= 0 && px < width - 1 && py < height - 1)) continue
    const c = colourIndex[i]!
    const rgb = c >= 0 ? (palette[c] ?? UNKNOWN) : UNKNOWN
    for (let dy = 0; dy < 2; dy++) {
      let o = ((py + dy) * width + px) * 4
      for (let dx = 0; dx < 2; dx++, o += 4) {
        data[o] = rgb[0]
        data[o + 1] = rgb[1]
        data[o + 2] = rgb[2]
        data[o + 3] = 200
      }
    }
    drawn++
  }
  return drawn
}
