// A compiled knowledge base (`.mspace`, docs/mspace-format.md): one space — its store arrays and
// its index — written so that loading reads the arrays back as they are, without parsing or
// re-indexing.
//
//   writeSpaceImage(space, engineVersion) -> bytes  (SpaceImageWriteError: a value that cannot be written)
//   readSpaceImage(bytes)                 -> space  (SpaceImageError: what is wrong, at which byte)
//   readSpaceImageFile(path)              -> space  (the file read into shared memory, then as above)
//
// Token strings hold per-process symbol and grounded ids, so the file numbers symbols and plain
// values by its own tables (names, intern keys) and loading renumbers the tokens in one pass over
// the array (which also checks that every token string is one well-formed term). The index is
// written as an index image (src/space/index-image.ts, index layout 3): its lists' ids as one
// block and the keys of its hash tables, whose tokens go through the same numbering; loading
// rebuilds the tables from the keys (per key, not per atom). Loading allocates per distinct symbol
// and per distinct grounded value (interning them), per atom with variables (its names) and per
// index list and key. A layout-2 file (no index sections) is still read: its index is built from
// the store (one add per present atom).
//
// The byte helpers (strings, varuints) and the checksum (CRC-32) are the state format's (binary.ts).

import { internSymbolsAscii, readFileShared, reserveSymbols, sym, symById, valueFromInternKey } from '../core/index.js';
import { SpaceAtom, spaceAtomOf } from '../eval/index.js';
import {
  AtomIndex,
  AtomSpace,
  AtomStore,
  IndexImageError,
  INDEX_SECTION_COUNT,
  indexFromSections,
  indexToSections,
  groundedTable,
  PAYLOAD_MASK,
  TAG_SHIFT,
  Tag,
} from '../space/index.js';
import { BinaryReader, BinaryWriter, crc32, StateFormatError } from './binary.js';

/** `\x89 M S P C \r \n \x1a`: a non-ASCII first byte, CR LF and ^Z catch text-mode mangling. */
export const MSPACE_MAGIC = Uint8Array.of(0x89, 0x4d, 0x53, 0x50, 0x43, 0x0d, 0x0a, 0x1a);
/**
 * The only format version this build reads and writes (a compiled KB is rebuilt, not migrated).
 * 2: the trailer is a CRC-32 (version 1 had a multiply-xor checksum of its own, slower to compute
 * than zlib's native CRC-32 on a cold start).
 */
export const MSPACE_FORMAT_VERSION = 2;
/** magic (8), version (u16), flags (u16), section count (u32), file length (u64), reserved (8). */
const HEADER_SIZE = 32;
/** id (u32), reserved (u32), offset (u64), length (u64). */
const ENTRY_SIZE = 24;
const TRAILER_SIZE = 4;
/** Sections start at multiples of 8, so u32 arrays are read in place. */
const ALIGN = 8;

const Section = { Meta: 1, Symbols: 2, Grounded: 3, Tokens: 4, Offsets: 5, Alive: 6, VarNames: 7 } as const;
/** Index sections are numbered from here (layout 3: INDEX_SECTION_COUNT of them; layout 2 has none). */
const INDEX_SECTION_BASE = 16;
/**
 * The index layout the meta section records. 1: the index's posting lists as two arrays (sections
 * 16 and 17). 2: no index sections — the index's storage became an arena of pair tables
 * keyed by process-specific tokens (src/space/posting-arena.ts), which is not written yet, so the
 * loader builds the index from the store's token strings (one bulk add per present atom); still
 * read. 3 (today): the index image of src/space/index-image.ts in sections 16 .. 19.
 */
const INDEX_LAYOUT_VERSION = 3;
/** The layout without index sections, still read (the index is built from the store). */
const INDEX_LAYOUT_REBUILD = 2;
/**
 * The grounded-table entry of the space itself: a rule that mentions `&self` holds the space's
 * own atom, which comes back as the loaded space's. No plain value's intern key starts with `&`.
 */
const SELF_KEY = '&self';
const SECTION_NAMES: Record<number, string> = { 1: 'meta', 2: 'symbols', 3: 'grounded values', 4: 'tokens', 5: 'offsets', 6: 'liveness', 7: 'variable names' };

/** The bytes are not a compiled space this build reads: what is wrong, and at which byte. */
export class SpaceImageError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number | null,
  ) {
    super(offset === null ? `not a usable compiled space: ${reason}` : `not a usable compiled space (byte ${offset}): ${reason}`);
    this.name = 'SpaceImageError';
  }
}

/** The space holds something a compiled space cannot (a stateful value such as another space). */
export class SpaceImageWriteError extends Error {
  constructor(reason: string) {
    super(`cannot compile the space: ${reason}`);
    this.name = 'SpaceImageWriteError';
  }
}

/** Whether `bytes` start as a compiled space does (a shorter prefix of the magic counts). */
export function looksLikeSpaceImage(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < MSPACE_MAGIC.length && i < bytes.length; i++) if (bytes[i] !== MSPACE_MAGIC[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The file's own numbering of the symbols and plain values a space's tokens use. */
class Numbering {
  readonly symbolNames: string[] = [];
  readonly groundedKeys: string[] = [];
  private readonly symbols = new Map<number, number>();
  private readonly grounded = new Map<number, number>();

  constructor(private readonly self: AtomSpace) {}

  /** `t` with its symbol or grounded id replaced by the file's index (other tokens unchanged). */
  toFile(t: number): number {
    const tag = t >>> TAG_SHIFT;
    if (tag !== Tag.Sym && tag !== Tag.Gnd) return t;
    const id = t & PAYLOAD_MASK;
    const table = tag === Tag.Sym ? this.symbols : this.grounded;
    let index = table.get(id);
    if (index === undefined) {
      if (tag === Tag.Sym) {
        index = this.symbolNames.length;
        this.symbolNames.push(symById(id).name);
      } else {
        const value = groundedTable.atom(id);
        const key = value instanceof SpaceAtom && value.space === this.self ? SELF_KEY : value.internKey();
        if (key === null) {
          throw new SpaceImageWriteError(`it holds ${value.print()} (${value.constructor.name}), a stateful value; only symbols, variables, numbers, strings, booleans and the space itself (&self) can be compiled`);
        }
        index = this.groundedKeys.length;
        this.groundedKeys.push(key);
      }
      table.set(id, index);
    }
    return ((tag << TAG_SHIFT) | index) >>> 0;
  }
}

function stringTable(strings: readonly string[]): Uint8Array {
  const w = new BinaryWriter();
  w.varuint(strings.length);
  for (const s of strings) w.string(s);
  return w.finish();
}

function bytesOf(a: Uint32Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export interface WriteOptions {
  /** false: write index layout 2 (no index sections; the reader rebuilds the index), as older builds did. Default true. */
  readonly indexImage?: boolean;
}

/** The space `space` as a compiled image; `engineVersion` is recorded (shown when it is loaded). */
export function writeSpaceImage(space: AtomSpace, engineVersion: string, options: WriteOptions = {}): Uint8Array {
  const withIndex = options.indexImage ?? true;
  const index = space.indexForImage();
  if (index === null) throw new SpaceImageWriteError('a replica of another thread\'s space has no index to write');
  const store = space.store.share();
  const numbering = new Numbering(space);
  const tokens = new Uint32Array(store.tokenCount);
  for (let i = 0; i < store.tokenCount; i++) tokens[i] = numbering.toFile(store.tokens[i]!);
  const indexSections = withIndex ? indexToSections(index, (t) => numbering.toFile(t)) : [];

  const meta = new BinaryWriter();
  meta.string(engineVersion);
  meta.varuint(withIndex ? INDEX_LAYOUT_VERSION : INDEX_LAYOUT_REBUILD);
  meta.varuint(store.idCount);
  meta.varuint(store.liveCount);
  meta.varuint(store.tokenCount);
  meta.varuint(indexSections.length);

  const names = new BinaryWriter();
  names.varuint(store.names.length);
  for (const [id, list] of store.names) {
    names.varuint(id);
    names.varuint(list.length);
    for (const n of list) names.string(n);
  }

  const sections: [number, Uint8Array][] = [
    [Section.Meta, meta.finish()],
    [Section.Symbols, stringTable(numbering.symbolNames)],
    [Section.Grounded, stringTable(numbering.groundedKeys)],
    [Section.Tokens, bytesOf(tokens)],
    [Section.Offsets, bytesOf(store.offsets.subarray(0, store.idCount + 1))],
    [Section.Alive, bytesOf(store.alive.subarray(0, store.idCount))],
    [Section.VarNames, names.finish()],
    ...indexSections.map((s, i): [number, Uint8Array] => [INDEX_SECTION_BASE + i, bytesOf(s)]),
  ];
  const placed: number[] = [];
  let end = HEADER_SIZE + sections.length * ENTRY_SIZE;
  for (const [, data] of sections) {
    end = alignUp(end);
    placed.push(end);
    end += data.length;
  }
  const total = alignUp(end) + TRAILER_SIZE;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MSPACE_MAGIC, 0);
  view.setUint16(8, MSPACE_FORMAT_VERSION, true);
  view.setUint16(10, 0, true);
  view.setUint32(12, sections.length, true);
  view.setBigUint64(16, BigInt(total), true);
  sections.forEach(([id, data], i) => {
    const e = HEADER_SIZE + i * ENTRY_SIZE;
    view.setUint32(e, id, true);
    view.setBigUint64(e + 8, BigInt(placed[i]!), true);
    view.setBigUint64(e + 16, BigInt(data.length), true);
    out.set(data, placed[i]!);
  });
  view.setUint32(total - TRAILER_SIZE, checksum32(out, total - TRAILER_SIZE), true);
  return out;
}

/**
 * The file's checksum over bytes [0, length): CRC-32, as zlib computes it (native from Node 20.15,
 * several GB/s; binary.ts falls back to a table loop on older versions).
 */
export function checksum32(bytes: Uint8Array, length: number): number {
  return crc32(bytes, 0, length);
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface LoadedSpace {
  readonly space: AtomSpace;
  /** The `metta` version that wrote the file. */
  readonly engineVersion: string;
}

export interface ReadOptions {
  /** The number the space prints with (`GroundingSpace-N`); default: the next process-wide one. */
  readonly serial?: number;
}

interface SectionBounds {
  readonly offset: number;
  readonly length: number;
}

/** Checks magic, version, flags, length, checksum and the section table; returns the sections. */
function checkEnvelope(bytes: Uint8Array): Map<number, SectionBounds> {
  for (let i = 0; i < MSPACE_MAGIC.length && i < bytes.length; i++) {
    if (bytes[i] !== MSPACE_MAGIC[i]) throw new SpaceImageError('not a compiled MeTTa space (bad magic bytes); make one with `metta compile KB.metta -o KB.mspace`', i);
  }
  if (bytes.length < HEADER_SIZE) throw new SpaceImageError(`truncated: ${bytes.length} bytes, shorter than the ${HEADER_SIZE}-byte header`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version !== MSPACE_FORMAT_VERSION) {
    throw new SpaceImageError(`format version ${version}; this build reads version ${MSPACE_FORMAT_VERSION} only: compile the knowledge base again with this metta`, 8);
  }
  const flags = view.getUint16(10, true);
  if (flags !== 0) throw new SpaceImageError(`unknown header flags 0x${flags.toString(16)}`, 10);
  const announced = view.getBigUint64(16, true);
  if (announced > BigInt(bytes.length)) throw new SpaceImageError(`truncated: the header announces ${announced} bytes, only ${bytes.length} present`, bytes.length);
  if (announced < BigInt(bytes.length)) throw new SpaceImageError(`${BigInt(bytes.length) - announced} unexpected bytes after the end (${announced} bytes)`, Number(announced));
  const body = bytes.length - TRAILER_SIZE;
  if (body % ALIGN !== 0) throw new SpaceImageError(`a length of ${bytes.length} bytes is not 4 past a multiple of ${ALIGN}`, 16);
  const stored = view.getUint32(body, true);
  const computed = checksum32(bytes, body);
  if (stored !== computed) {
    throw new SpaceImageError(`checksum mismatch: stored ${hex(stored)}, computed ${hex(computed)}; the file is corrupted`, body);
  }
  const count = view.getUint32(12, true);
  const tableEnd = HEADER_SIZE + count * ENTRY_SIZE;
  if (tableEnd > body) throw new SpaceImageError(`a table of ${count} sections does not fit the file`, 12);
  const sections = new Map<number, SectionBounds>();
  let prevEnd = tableEnd;
  for (let i = 0; i < count; i++) {
    const e = HEADER_SIZE + i * ENTRY_SIZE;
    const id = view.getUint32(e, true);
    const offset = Number(view.getBigUint64(e + 8, true));
    const length = Number(view.getBigUint64(e + 16, true));
    if (sections.has(id)) throw new SpaceImageError(`section ${id} listed twice`, e);
    if (offset % ALIGN !== 0 || offset < prevEnd || offset + length > body) {
      throw new SpaceImageError(`section ${id} at ${offset} (${length} bytes) is misplaced`, e);
    }
    prevEnd = offset + length;
    sections.set(id, { offset, length });
  }
  return sections;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/** Reads one byte-coded section to its end with the state format's reader. */
function readCoded<T>(bytes: Uint8Array, sections: Map<number, SectionBounds>, id: number, read: (r: BinaryReader) => T): T {
  const s = need(sections, id);
  const r = new BinaryReader(bytes, s.offset, s.offset + s.length);
  try {
    const value = read(r);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} unread bytes at the end of section ${SECTION_NAMES[id]}`);
    return value;
  } catch (e) {
    if (e instanceof StateFormatError) throw new SpaceImageError(e.reason, e.offset);
    throw e;
  }
}

function need(sections: Map<number, SectionBounds>, id: number): SectionBounds {
  const s = sections.get(id);
  if (s === undefined) throw new SpaceImageError(`the ${SECTION_NAMES[id] ?? `index ${id - INDEX_SECTION_BASE}`} section is missing`, null);
  return s;
}

function u32Section(bytes: Uint8Array, sections: Map<number, SectionBounds>, id: number, words: number | null): Uint32Array {
  const s = need(sections, id);
  if (s.length % 4 !== 0 || (words !== null && s.length !== words * 4)) {
    throw new SpaceImageError(`section ${SECTION_NAMES[id] ?? id} is ${s.length} bytes${words !== null ? `, expected ${words * 4}` : ''}`, s.offset);
  }
  return new Uint32Array(bytes.buffer, bytes.byteOffset + s.offset, s.length / 4);
}

/**
 * The space written by writeSpaceImage. Its arrays are views of `bytes` (which the space owns from
 * now on); give bytes in shared memory (readSpaceImageFile does) so that worker threads can read
 * the space without a copy. `bytes.byteOffset` must be a multiple of 8.
 */
export function readSpaceImage(bytes: Uint8Array, options: ReadOptions = {}): LoadedSpace {
  if (bytes.byteOffset % ALIGN !== 0) throw new RangeError('readSpaceImage: the bytes must start at a multiple of 8 in their buffer');
  const sections = checkEnvelope(bytes);
  const meta = readCoded(bytes, sections, Section.Meta, (r) => ({
    engineVersion: r.string('the engine version'),
    indexVersion: r.varuint('the index layout version'),
    idCount: r.varuint('the atom id count'),
    liveCount: r.varuint('the present atom count'),
    tokenCount: r.varuint('the token count'),
    indexSections: r.varuint('the index section count'),
  }));
  const metaAt = need(sections, Section.Meta).offset;
  const rebuild = meta.indexVersion === INDEX_LAYOUT_REBUILD && meta.indexSections === 0;
  if (!rebuild && (meta.indexVersion !== INDEX_LAYOUT_VERSION || meta.indexSections !== INDEX_SECTION_COUNT)) {
    throw new SpaceImageError(`index layout version ${meta.indexVersion} (written by metta ${meta.engineVersion}); this build reads ${INDEX_LAYOUT_VERSION}: compile the knowledge base again with this metta`, metaAt);
  }
  const space = new AtomSpace(options.serial);
  const symbolIds = readCoded(bytes, sections, Section.Symbols, (r) => {
    const n = r.count('the symbol count');
    const ids = new Uint32Array(n);
    // At most the section's bytes, at least one per name: sized once instead of grown name by name.
    reserveSymbols(n, need(sections, Section.Symbols).length);
    // Most names are ASCII: interned from their bytes, no string made (symbols.ts), a run of them
    // under one lock of the shared table; ids are made in the file's order all the same.
    const spans = new Uint32Array(2 * n);
    let run = 0;
    const flush = (end: number): void => {
      internSymbolsAscii(bytes, spans, end - run, ids.subarray(run, end));
    };
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const length = r.count('length of a symbol name');
      const start = r.skip(length, 'a symbol name');
      let ascii = true;
      for (let k = start; k < start + length && ascii; k++) ascii = bytes[k]! < 0x80;
      if (ascii) {
        spans[2 * (i - run)] = start;
        spans[2 * (i - run) + 1] = start + length;
        continue;
      }
      flush(i);
      run = i + 1;
      r.pos = at;
      ids[i] = sym(r.string('a symbol name')).id;
    }
    flush(n);
    return ids;
  });
  const groundedIds = readCoded(bytes, sections, Section.Grounded, (r) => {
    const n = r.count('the grounded value count');
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const key = r.string('a grounded value key');
      const value = key === SELF_KEY ? spaceAtomOf(space) : (valueFromInternKey(key) ?? r.fail('not the key of a plain value', at));
      ids[i] = groundedTable.idOf(value);
    }
    return ids;
  });
  const { idCount, liveCount, tokenCount } = meta;
  if (liveCount > idCount) throw new SpaceImageError(`${liveCount} present atoms out of ${idCount}`, metaAt);
  const tokens = u32Section(bytes, sections, Section.Tokens, tokenCount);
  const offsets = u32Section(bytes, sections, Section.Offsets, idCount + 1);
  const aliveAt = need(sections, Section.Alive);
  if (aliveAt.length !== idCount) throw new SpaceImageError(`section liveness is ${aliveAt.length} bytes, expected ${idCount}`, aliveAt.offset);
  const alive = new Uint8Array(bytes.buffer, bytes.byteOffset + aliveAt.offset, idCount);
  let live = 0;
  for (let id = 0; id < idCount; id++) {
    const a = alive[id]!;
    if (a > 1) throw new SpaceImageError(`liveness byte ${a} of atom ${id} is neither 0 nor 1`, aliveAt.offset + id);
    live += a;
  }
  if (live !== liveCount) throw new SpaceImageError(`${live} atoms are marked present, the header says ${liveCount}`, aliveAt.offset);
  const variables = renumberTokens(tokens, offsets, alive, symbolIds, groundedIds, need(sections, Section.Tokens).offset);
  const names = readCoded(bytes, sections, Section.VarNames, (r) => {
    const n = r.count('the variable name count');
    const out: [number, string[]][] = [];
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const id = r.varuint('an atom id');
      if (id <= prev || id >= idCount || alive[id] !== 1) r.fail(`variable names for atom ${id}, which is out of order or not present`, at);
      prev = id;
      const k = r.count('a variable count');
      if (k !== variables.counts.get(id)) r.fail(`${k} variable names for atom ${id}, which has ${variables.counts.get(id) ?? 0} variables`, at);
      const list: string[] = [];
      for (let j = 0; j < k; j++) list.push(r.string('a variable name'));
      out.push([id, list]);
    }
    if (n !== variables.liveWithVariables) r.fail(`names for ${n} atoms, but ${variables.liveWithVariables} present atoms have variables`);
    return out;
  });
  const store = AtomStore.fromImage({ tokens, offsets, alive, idCount, liveCount, tokenCount, names });
  // Index layout 2 stores no index: loadImage builds it from the store (one add per present atom).
  space.loadImage(store, rebuild ? null : readIndex(bytes, sections, symbolIds, groundedIds, idCount, alive));
  return { space, engineVersion: meta.engineVersion };
}

/** The index image of sections 16 .. 19, its keys' tokens renumbered to this process's. */
function readIndex(bytes: Uint8Array, sections: Map<number, SectionBounds>, symbolIds: Uint32Array, groundedIds: Uint32Array, idCount: number, alive: Uint8Array): AtomIndex {
  const arrays: Uint32Array[] = [];
  for (let i = 0; i < INDEX_SECTION_COUNT; i++) arrays.push(u32Section(bytes, sections, INDEX_SECTION_BASE + i, null));
  const symBase = Tag.Sym << TAG_SHIFT;
  const gndBase = Tag.Gnd << TAG_SHIFT;
  const mapKey = (t: number): number => {
    const tag = t >>> TAG_SHIFT;
    const payload = t & PAYLOAD_MASK;
    if (tag === Tag.Sym) {
      if (payload >= symbolIds.length) throw new IndexImageError(`key token ${hex(t)} names symbol ${payload} of ${symbolIds.length}`, 3, null);
      return (symBase | symbolIds[payload]!) >>> 0;
    }
    if (tag === Tag.Gnd) {
      if (payload >= groundedIds.length) throw new IndexImageError(`key token ${hex(t)} names grounded value ${payload} of ${groundedIds.length}`, 3, null);
      return (gndBase | groundedIds[payload]!) >>> 0;
    }
    return t;
  };
  try {
    return indexFromSections(arrays, mapKey, idCount, alive);
  } catch (e) {
    if (e instanceof IndexImageError) {
      const at = sections.get(INDEX_SECTION_BASE + e.section);
      throw new SpaceImageError(`the index image is inconsistent (section ${INDEX_SECTION_BASE + e.section}${e.word === null ? '' : `, word ${e.word}`}): ${e.reason}`, at === undefined ? null : at.offset + 4 * (e.word ?? 0));
    }
    throw e;
  }
}

/**
 * Renumbers every token in place (file numbering to this process's) and checks that each atom's
 * token string is exactly one term whose variables are numbered in order of first occurrence.
 * Returns the variable count of each atom that has variables. The hot loop of loading: one pass,
 * no allocation (the tables are looked up inline rather than through `renumberer`).
 */
function renumberTokens(
  tokens: Uint32Array,
  offsets: Uint32Array,
  alive: Uint8Array,
  symbolIds: Uint32Array,
  groundedIds: Uint32Array,
  at: number,
): { counts: Map<number, number>; liveWithVariables: number } {
  const idCount = offsets.length - 1;
  const counts = new Map<number, number>();
  let liveWithVariables = 0;
  const symBase = Tag.Sym << TAG_SHIFT;
  const gndBase = Tag.Gnd << TAG_SHIFT;
  const nSym = symbolIds.length;
  const nGnd = groundedIds.length;
  if (offsets[0] !== 0 || offsets[idCount] !== tokens.length) throw new SpaceImageError('the offset table does not cover the tokens', at);
  for (let id = 0; id < idCount; id++) {
    const start = offsets[id]!;
    const end = offsets[id + 1]!;
    if (end <= start || end > tokens.length) throw new SpaceImageError(`atom ${id} has an empty or misplaced token string`, at);
    let pending = 1;
    let vars = 0;
    for (let i = start; i < end; i++) {
      if (pending === 0) throw new SpaceImageError(`atom ${id}'s token string runs past its term`, at + 4 * i);
      const t = tokens[i]!;
      const tag = t >>> TAG_SHIFT;
      const payload = t & PAYLOAD_MASK;
      pending--;
      if (tag === Tag.Sym) {
        if (payload >= nSym) throw new SpaceImageError(`token ${hex(t)} names symbol ${payload} of ${nSym}`, at + 4 * i);
        tokens[i] = (symBase | symbolIds[payload]!) >>> 0;
      } else if (tag === Tag.Expr) pending += payload;
      else if (tag === Tag.Gnd) {
        if (payload >= nGnd) throw new SpaceImageError(`token ${hex(t)} names grounded value ${payload} of ${nGnd}`, at + 4 * i);
        tokens[i] = (gndBase | groundedIds[payload]!) >>> 0;
      } else if (tag === Tag.NewVar) {
        if (payload !== vars) throw new SpaceImageError(`atom ${id} numbers its variables out of order`, at + 4 * i);
        vars++;
      } else if (tag === Tag.VarRef) {
        if (payload >= vars) throw new SpaceImageError(`atom ${id} repeats a variable before its first occurrence`, at + 4 * i);
      } else throw new SpaceImageError(`token ${hex(t)} has an unknown tag`, at + 4 * i);
    }
    if (pending !== 0) throw new SpaceImageError(`atom ${id}'s token string ends inside its term`, at + 4 * end);
    if (vars > 0) {
      counts.set(id, vars);
      if (alive[id] === 1) liveWithVariables++;
    }
  }
  return { counts, liveWithVariables };
}

/** Reads the file at `path` into shared memory and loads it (readSpaceImage). File errors are thrown as they are. */
export function readSpaceImageFile(path: string, options: ReadOptions = {}): LoadedSpace {
  return readSpaceImage(readFileShared(path), options);
}

