// Byte-level helpers for the state format (docs/state-format.md): a growable little-endian
// writer, a bounds-checked reader that reports problems as StateFormatError with the byte offset,
// unsigned LEB128 varints for integers up to 2^53, WTF-8 strings (UTF-8 that also carries lone
// surrogates, so any JavaScript string round-trips exactly) and CRC-32.

import * as zlib from 'node:zlib';

/** The bytes are not a state this build can read: says what is wrong and at which byte offset. */
export class StateFormatError extends Error {
  constructor(
    readonly reason: string,
    /** Offset of the offending byte in the input, or null when the problem is the input as a whole. */
    readonly offset: number | null,
  ) {
    super(offset === null ? `invalid MeTTa state: ${reason}` : `invalid MeTTa state at byte ${offset}: ${reason}`);
    this.name = 'StateFormatError';
  }
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE_OR_PAIR = /[\uD800-\uDFFF]/;

export class BinaryWriter {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  get size(): number {
    return this.length;
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.bytes[this.length++] = v;
  }

  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varuint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varuint out of range: ${v}`);
    this.reserve(8);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Byte length, then the WTF-8 bytes. */
  string(s: string): void {
    // Short ASCII strings (most symbols, variable names, values) are copied byte by byte.
    if (s.length < 128) {
      this.reserve(s.length + 1);
      const at = this.length;
      this.bytes[at] = s.length;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.bytes[at + 1 + i] = c;
      }
      if (i === s.length) {
        this.length = at + 1 + s.length;
        return;
      }
    }
    const data = LONE_SURROGATE_OR_PAIR.test(s) ? wtf8Encode(s) : utf8.encode(s);
    this.varuint(data.length);
    this.raw(data);
  }

  /** A non-negative BigInt magnitude: byte length, then the bytes, least significant first. */
  bigMagnitude(v: bigint): void {
    const out: number[] = [];
    while (v > 0n) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
    this.varuint(out.length);
    this.raw(Uint8Array.from(out));
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export class BinaryReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    /** One past the last byte this reader may read. */
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(reason: string, at: number = this.pos): never {
    throw new StateFormatError(reason, at);
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) this.fail(`unexpected end of data reading ${what}`);
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'a 16-bit integer'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what = 'a 32-bit integer'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what = 'a float'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  varuint(what = 'an integer'): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail(`unexpected end of data reading ${what}`, start);
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) this.fail(`over-long encoding of ${what}`, start);
        break;
      }
      scale *= 0x80;
      if (i >= 7) this.fail(`${what} is too large`, start);
    }
    if (!Number.isSafeInteger(result)) this.fail(`${what} is too large`, start);
    return result;
  }

  /** A count of items that each take at least `minBytes` bytes: bounded by what is left. */
  count(what: string, minBytes = 1): number {
    const start = this.pos;
    const n = this.varuint(what);
    if (n * minBytes > this.remaining) this.fail(`${what} ${n} exceeds the remaining ${this.remaining} bytes`, start);
    return n;
  }

  /** Steps over `n` bytes (checked to be there); returns where they start. */
  skip(n: number, what: string): number {
    this.need(n, what);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  raw(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(what = 'a string'): string {
    const start = this.pos;
    const n = this.count(`length of ${what}`);
    const data = this.raw(n, what);
    if (n < 128) {
      let ascii = '';
      let i = 0;
      for (; i < n; i++) {
        const b = data[i]!;
        if (b >= 0x80) break;
        ascii += String.fromCharCode(b);
      }
      if (i === n) return ascii;
    }
    try {
      return utf8Strict.decode(data);
    } catch {
      const s = wtf8Decode(data);
      if (s === null) this.fail(`${what} is not valid WTF-8`, start);
      return s;
    }
  }

  bigMagnitude(what = 'a big integer'): bigint {
    const start = this.pos;
    const n = this.count(`length of ${what}`);
    const data = this.raw(n, what);
    if (n > 0 && data[n - 1] === 0) this.fail(`${what} has a leading zero byte`, start);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
    return v;
  }
}

/** WTF-8: UTF-8 in which a lone surrogate is written as its own three-byte sequence. */
export function wtf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Decodes WTF-8, or returns null for malformed input (including an encoded surrogate pair). */
export function wtf8Decode(data: Uint8Array): string | null {
  const units: number[] = [];
  let prevHigh = false;
  for (let i = 0; i < data.length; ) {
    const b = data[i]!;
    let c: number;
    let n: number;
    if (b < 0x80) {
      c = b;
      n = 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      c = b & 0x1f;
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      c = b & 0x0f;
      n = 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      c = b & 0x07;
      n = 4;
    } else return null;
    if (i + n > data.length) return null;
    for (let k = 1; k < n; k++) {
      const cont = data[i + k]!;
      if ((cont & 0xc0) !== 0x80) return null;
      c = (c << 6) | (cont & 0x3f);
    }
    if ((n === 3 && c < 0x800) || (n === 4 && (c < 0x10000 || c > 0x10ffff))) return null;
    i += n;
    if (c >= 0x10000) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
      prevHigh = false;
      continue;
    }
    const isLow = c >= 0xdc00 && c <= 0xdfff;
    // A high surrogate followed by a low one must have been written as one four-byte sequence.
    if (isLow && prevHigh) return null;
    prevHigh = c >= 0xd800 && c <= 0xdbff;
    units.push(c);
  }
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib's own CRC-32 (Node 20.15 and later): the same value, many times faster than the table loop. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE 802.3, as in zlib and PNG) of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(bytes.subarray(start, end)) >>> 0;
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
