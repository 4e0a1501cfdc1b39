import type { FileHandle } from 'node:fs/promises'
import { constants, deflateRaw, deflateRawSync } from 'node:zlib'
import { promisify } from 'node:util'

// A small deterministic ZIP writer (PKWARE APPNOTE 6.3): every entry dated 1980-01-01 00:00
// (the DOS epoch), no extra fields, no comments, UTF-8 names, entries in the order added.
// Entries are streamed: each piece is deflated on its own and ended with a sync flush, so the
// pieces concatenate into one raw deflate stream that a final empty block closes. The same
// pieces therefore give the same bytes. No ZIP64: an entry or archive past 4 GiB is refused.

const deflateRawAsync = promisify(deflateRaw)

const LOCAL_HEADER = 0x04034b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_CENTRAL = 0x06054b50
const VERSION = 20
/** Bit 11: names are UTF-8. */
const FLAGS = 0x0800
const DOS_TIME = 0
/** 1980-01-01: (year − 1980) << 9 | month << 5 | day. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1
const LIMIT = 0xffff_ffff

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (IEEE 802.3), continued from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

export type ZipMethod = 'deflate' | 'store'

interface CentralEntry {
  name: Buffer
  method: number
  crc: number
  compressed: number
  size: number
  offset: number
}

export class ZipLimitError extends Error {}

/** Writes a ZIP archive to an open file handle, from position 0. */
export class ZipWriter {
  private position = 0
  private readonly entries: CentralEntry[] = []

  constructor(private readonly file: FileHandle) {}

  private async write(bytes: Uint8Array, at?: number): Promise<void> {
    if (at === undefined) {
      await this.file.write(bytes, 0, bytes.length, this.position)
      this.position += bytes.length
      if (this.position > LIMIT) throw new ZipLimitError('the archive passes 4 GiB, which this ZIP writer does not support (no ZIP64)')
    } else await this.file.write(bytes, 0, bytes.length, at)
  }

  /** Adds one entry from its pieces (strings are UTF-8); returns its size and CRC. */
  async add(name: string, pieces: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, method: ZipMethod = 'deflate'): Promise<{ size: number; compressed: number; crc: number }> {
    const nameBytes = Buffer.from(name, 'utf8')
    const offset = this.position
    const header = Buffer.alloc(30)
    header.writeUInt32LE(LOCAL_HEADER, 0)
    header.writeUInt16LE(VERSION, 4)
    header.writeUInt16LE(FLAGS, 6)
    header.writeUInt16LE(method === 'deflate' ? 8 : 0, 8)
    header.writeUInt16LE(DOS_TIME, 10)
    header.writeUInt16LE(DOS_DATE, 12)
    // CRC and sizes (14..25) are filled in once the data is written.
    header.writeUInt16LE(nameBytes.length, 26)
    header.writeUInt16LE(0, 28)
    await this.write(header)
    await this.write(nameBytes)
    let crc = 0
    let size = 0
    let compressed = 0
    for await (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
      if (bytes.length === 0) continue
      crc = crc32(bytes, crc)
      size += bytes.length
      if (size > LIMIT) throw new ZipLimitError(`${name} passes 4 GiB, which this ZIP writer does not support (no ZIP64)`)
      const out = method === 'deflate' ? await deflateRawAsync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) : bytes
      compressed += out.length
      await this.write(out)
    }
    if (method === 'deflate') {
      const end = deflateRawSync(Buffer.alloc(0))
      compressed += end.length
      await this.write(end)
    }
    const fields = Buffer.alloc(12)
    fields.writeUInt32LE(crc, 0)
    fields.writeUInt32LE(compressed, 4)
    fields.writeUInt32LE(size, 8)
    await this.write(fields, offset + 14)
    this.entries.push({ name: nameBytes, method: method === 'deflate' ? 8 : 0, crc, compressed, size, offset })
    return { size, compressed, crc }
  }

  /** Writes the central directory; returns the archive's length. */
  async finish(): Promise<number> {
    const start = this.position
    for (const e of this.entries) {
      const h = Buffer.alloc(46)
      h.writeUInt32LE(CENTRAL_HEADER, 0)
      h.writeUInt16LE(VERSION, 4) // made by: MS-DOS attributes, spec 2.0
      h.writeUInt16LE(VERSION, 6)
      h.writeUInt16LE(FLAGS, 8)
      h.writeUInt16LE(e.method, 10)
      h.writeUInt16LE(DOS_TIME, 12)
      h.writeUInt16LE(DOS_DATE, 14)
      h.writeUInt32LE(e.crc, 16)
      h.writeUInt32LE(e.compressed, 20)
      h.writeUInt32LE(e.size, 24)
      h.writeUInt16LE(e.name.length, 28)
      // extra, comment, disk, internal and external attributes: all 0.
      h.writeUInt32LE(e.offset, 42)
      await this.write(h)
      await this.write(e.name)
    }
    const end = Buffer.alloc(22)
    end.writeUInt32LE(END_OF_CENTRAL, 0)
    end.writeUInt16LE(this.entries.length, 8)
    end.writeUInt16LE(this.entries.length, 10)
    end.writeUInt32LE(this.position - start, 12)
    end.writeUInt32LE(start, 16)
    await this.write(end)
    return this.position
  }
}

/** Reads a ZIP's central directory back (for tests and verification): names, sizes, CRCs and the data. */
export function readZip(zip: Buffer): Array<{ name: string; method: number; crc: number; size: number; compressed: number; date: number; time: number; data: Buffer }> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('no end-of-central-directory record')
  const count = zip.readUInt16LE(eocd + 10)
  let p = zip.readUInt32LE(eocd + 16)
  const out = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== CENTRAL_HEADER) throw new Error(`central header ${i} is malformed`)
    const method = zip.readUInt16LE(p + 10)
    const time = zip.readUInt16LE(p + 12)
    const date = zip.readUInt16LE(p + 14)
    const crc = zip.readUInt32LE(p + 16)
    const compressed = zip.readUInt32LE(p + 20)
    const size = zip.readUInt32LE(p + 24)
    const nameLength = zip.readUInt16LE(p + 28)
    const extra = zip.readUInt16LE(p + 30)
    const comment = zip.readUInt16LE(p + 32)
    const offset = zip.readUInt32LE(p + 42)
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8')
    const localName = zip.readUInt16LE(offset + 26)
    const localExtra = zip.readUInt16LE(offset + 28)
    const start = offset + 30 + localName + localExtra
    const raw = zip.subarray(start, start + compressed)
    out.push({ name, method, crc, size, compressed, date, time, data: raw })
    p += 46 + nameLength + extra + comment
  }
  return out
}
