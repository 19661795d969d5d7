// The versioned binary form of a MettaState (format and versioning policy: docs/state-format.md).
//
//   serializeState(state)   -> bytes   (throws StateSerializeError naming a value that cannot be saved)
//   deserializeState(bytes) -> state   (throws StateFormatError saying what is wrong and where)
//   cloneState(state)       -> state   (an independent in-memory copy, for branching before `run`)
//
// The writer walks everything the state reaches — the space `&self`, every space, state, bindings
// value and random generator referenced from atoms, tokens, module tables, settings, source and
// output — and gives each mutable object one index, so sharing and cycles survive: two tokens
// bound to one space come back bound to one space. Atoms are written in prefix order with an
// explicit stack (MeTTa lists nest far deeper than recursion allows).

import { type Atom, AtomKind, ExpressionAtom, type GroundedAtom, sym, UNIT, VariableAtom } from '../core/index.js';
import { Bindings } from '../core/index.js';
import type { SourcePosition } from '../core/index.js';
import { advanceFreshCount } from '../core/index.js';
import { BoolAtom, FloatAtom, int, IntAtom, str, StringAtom } from '../core/index.js';
import { FileHandleAtom } from '../eval/index.js';
import {
  moduleRecord,
  modulesLoadedInto,
  restoreFileModule,
  restoreLoadedInto,
  restoreOptionalModule,
} from '../eval/index.js';
import { pragmaEntries, restorePragma } from '../eval/index.js';
import { Prng, RandomGeneratorAtom } from '../eval/index.js';
import type { Environment } from '../eval/index.js';
import { BindingsAtom, SpaceAtom, StateAtom } from '../eval/index.js';
import { PrefixBuilder } from '../core/index.js';
import { AtomSpace } from '../space/index.js';
import { groundedTable } from '../space/index.js';
import { BinaryReader, BinaryWriter, crc32, StateFormatError } from './binary.js';
import { ExitCode } from './exit-code.js';
import { assertUsable, type MettaState, newStateEnvironment, type OutputRecord, type SourceItem } from './state.js';

export { StateFormatError };

/** `0x89 M E T T A \r \n`: a non-ASCII first byte and a CR LF pair catch text-mode mangling. */
export const STATE_MAGIC = Uint8Array.of(0x89, 0x4d, 0x45, 0x54, 0x54, 0x41, 0x0d, 0x0a);
/** The format version this build writes; it reads every version up to this one. */
export const STATE_FORMAT_VERSION = 1;
/** magic (8), version (u16), flags (u16), body length (u32). */
export const HEADER_SIZE = 16;
const TRAILER_SIZE = 4;
/** Header flag: an in-memory copy made by cloneState, whose opaque values live in a side table. */
const FLAG_OPAQUE = 1;

/** A value in the state that the format cannot represent. */
export class StateSerializeError extends Error {
  constructor(reason: string) {
    super(`cannot serialize the MeTTa state: ${reason}`);
    this.name = 'StateSerializeError';
  }
}

const Section = { Symbols: 1, Objects: 2, Modules: 3, Contents: 4, Loaded: 5, Tokens: 6, Settings: 7, Source: 8, Output: 9 } as const;
const SECTION_NAMES = ['', 'symbols', 'objects', 'modules', 'contents', 'loaded modules', 'tokens', 'settings', 'source', 'output'];

const Tag = {
  Sym: 0,
  Var: 1,
  Expr: 2,
  IntPos: 3,
  IntNeg: 4,
  BigPos: 5,
  BigNeg: 6,
  Float: 7,
  Str: 8,
  False: 9,
  True: 10,
  Object: 11,
  Opaque: 12,
} as const;

const ObjectKind = { Space: 0, State: 1, Bindings: 2, Rng: 3 } as const;
const RngOrigin = { Own: 0, ModuleToken: 1 } as const;
const OutputKind = { Results: 0, Stdout: 1, Stderr: 2 } as const;
const FRESH_SUFFIX = /#(\d+)$/;

type StateObject = SpaceAtom | StateAtom | BindingsAtom | RandomGeneratorAtom;

// ---------------------------------------------------------------------------------------------
// Writing

class Encoder {
  private readonly symbolIndex = new Map<number, number>();
  readonly symbolNames: string[] = [];
  /** Objects by index; spaces are keyed by their AtomSpace so one space is one object. */
  readonly objects: StateObject[] = [];
  private readonly objectIndex = new Map<object, number>();
  maxFresh = 0;

  constructor(
    private readonly env: Environment,
    /** Side table for values the format cannot hold (cloneState only); null: such values are errors. */
    private readonly opaque: GroundedAtom[] | null,
  ) {}

  objectRef(obj: StateObject): number {
    const key = obj instanceof SpaceAtom ? obj.space : obj;
    let index = this.objectIndex.get(key);
    if (index === undefined) {
      index = this.objects.length;
      this.objects.push(obj);
      this.objectIndex.set(key, index);
    }
    return index;
  }

  private symbol(id: number, name: string): number {
    let index = this.symbolIndex.get(id);
    if (index === undefined) {
      index = this.symbolNames.length;
      this.symbolNames.push(name);
      this.symbolIndex.set(id, index);
    }
    return index;
  }

  atom(w: BinaryWriter, root: Atom): void {
    const stack: Atom[] = [root];
    while (stack.length > 0) {
      const a = stack.pop()!;
      switch (a.kind) {
        case AtomKind.Symbol:
          w.u8(Tag.Sym);
          w.varuint(this.symbol(a.id, a.name));
          break;
        case AtomKind.Variable: {
          w.u8(Tag.Var);
          w.string(a.name);
          const m = FRESH_SUFFIX.exec(a.name);
          if (m !== null) this.maxFresh = Math.max(this.maxFresh, Number(m[1]));
          break;
        }
        case AtomKind.Expression: {
          const n = a.children.length;
          w.u8(Tag.Expr);
          w.varuint(n);
          for (let i = n - 1; i >= 0; i--) stack.push(a.children[i]!);
          break;
        }
        case AtomKind.Grounded:
          this.grounded(w, a);
          break;
      }
    }
  }

  private grounded(w: BinaryWriter, a: GroundedAtom): void {
    if (a instanceof IntAtom) {
      const v = a.value;
      if (typeof v === 'number') {
        w.u8(v < 0 ? Tag.IntNeg : Tag.IntPos);
        w.varuint(Math.abs(v));
      } else {
        w.u8(v < 0n ? Tag.BigNeg : Tag.BigPos);
        w.bigMagnitude(v < 0n ? -v : v);
      }
    } else if (a instanceof FloatAtom) {
      w.u8(Tag.Float);
      w.f64(a.value);
    } else if (a instanceof StringAtom) {
      w.u8(Tag.Str);
      w.string(a.value);
    } else if (a instanceof BoolAtom) {
      w.u8(a.value ? Tag.True : Tag.False);
    } else if (a instanceof SpaceAtom || a instanceof StateAtom || a instanceof BindingsAtom || a instanceof RandomGeneratorAtom) {
      w.u8(Tag.Object);
      w.varuint(this.objectRef(a));
    } else if (this.opaque !== null) {
      w.u8(Tag.Opaque);
      w.varuint(this.opaque.length);
      this.opaque.push(a);
    } else if (a instanceof FileHandleAtom) {
      throw new StateSerializeError(
        `the file handle ${a.print()} is reachable from the state; open files cannot be saved (close it and drop every reference to it first)`,
      );
    } else {
      throw new StateSerializeError(`the grounded value ${a.print()} (${a.constructor.name}) has no serialized form`);
    }
  }

  /** Object `index`'s entry in the object table. */
  tableEntry(w: BinaryWriter, index: number, moduleTokens: Map<Atom, readonly [string, string]>): void {
    const obj = this.objects[index]!;
    if (obj instanceof SpaceAtom) {
      w.u8(ObjectKind.Space);
      // The number it prints with (GroundingSpace-N): a restored program prints the same names.
      w.varuint(obj.space.serial);
    } else if (obj instanceof StateAtom) w.u8(ObjectKind.State);
    else if (obj instanceof BindingsAtom) w.u8(ObjectKind.Bindings);
    else {
      w.u8(ObjectKind.Rng);
      const owner = moduleTokens.get(obj);
      if (owner === undefined) w.u8(RngOrigin.Own);
      else {
        w.u8(RngOrigin.ModuleToken);
        w.string(owner[0]);
        w.string(owner[1]);
      }
      for (const word of obj.prng.exportState()) w.u32(word);
    }
  }

  /** Object `index`'s contents (atoms of a space, value of a state, entries of bindings). */
  contents(w: BinaryWriter, index: number): void {
    const obj = this.objects[index]!;
    if (obj instanceof SpaceAtom) {
      const space = obj.space;
      const ids = space.ids();
      w.varuint(ids.length);
      for (const id of ids) this.atom(w, space.atom(id));
    } else if (obj instanceof StateAtom) {
      this.atom(w, obj.value);
      this.atom(w, obj.valueType);
    } else if (obj instanceof BindingsAtom) {
      const entries = [...obj.bindings.entries()];
      w.varuint(entries.length);
      for (const [name, value] of entries) {
        w.string(name);
        this.atom(w, value);
      }
    }
  }

  position(w: BinaryWriter, p: SourcePosition): void {
    w.string(p.file);
    w.varuint(p.line);
    w.varuint(p.column);
  }

  get environment(): Environment {
    return this.env;
  }
}

function section(body: BinaryWriter, id: number, content: BinaryWriter): void {
  body.u8(id);
  body.varuint(content.size);
  body.raw(content.finish());
}

function encode(state: MettaState, opaque: GroundedAtom[] | null, workers: { tokenIds: number[] } | null = null): Uint8Array {
  const env = state.environment;
  const enc = new Encoder(env, opaque);
  enc.objectRef(env.self);

  const modules = moduleRecord(env);
  const moduleTokens = new Map<Atom, readonly [string, string]>();
  const mods = new BinaryWriter();
  mods.varuint(modules.optional.length);
  for (const m of modules.optional) {
    mods.string(m.name);
    mods.varuint(enc.objectRef(m.space));
    for (const [word, atom] of m.tokens) if (atom instanceof RandomGeneratorAtom) moduleTokens.set(atom, [m.name, word]);
  }
  mods.varuint(modules.files.length);
  for (const f of modules.files) {
    mods.string(f.path);
    mods.varuint(enc.objectRef(f.space));
  }

  const tokens = new BinaryWriter();
  // Sorted, so that a loaded state (whose module tokens were defined in another order) writes the same bytes.
  const entries = [...env.tokens.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  tokens.varuint(entries.length);
  for (const [word, atom] of entries) {
    tokens.string(word);
    enc.atom(tokens, atom);
  }

  const settings = new BinaryWriter();
  settings.u8(env.settings.typeCheck ? 1 : 0);
  settings.varuint(env.settings.maxStackDepth === null ? 0 : env.settings.maxStackDepth + 1);
  const pragmas = pragmaEntries(env);
  settings.varuint(pragmas.length);
  for (const [name, value] of pragmas) {
    settings.string(name);
    enc.atom(settings, value);
  }
  settings.string(env.currentDir);
  settings.varuint(env.includePaths.length);
  for (const p of env.includePaths) settings.string(p);

  const source = new BinaryWriter();
  source.string(state.file);
  source.u8(state.text === null ? 0 : 1);
  if (state.text !== null) source.string(state.text);
  source.varuint(state.source.length);
  for (const item of state.source) {
    source.u8(item.exec ? 1 : 0);
    enc.position(source, item.position);
    enc.atom(source, item.atom);
  }

  const output = new BinaryWriter();
  output.varuint(state.exitCode);
  output.varuint(state.output.length);
  for (const r of state.output) {
    if (r.kind === 'results') {
      output.u8(OutputKind.Results);
      enc.position(output, r.position);
      output.string(r.line);
      output.varuint(r.atoms.length);
      for (const a of r.atoms) enc.atom(output, a);
    } else {
      output.u8(r.kind === 'stdout' ? OutputKind.Stdout : OutputKind.Stderr);
      output.string(r.text);
    }
  }

  // Contents last among the atom writers: writing them discovers further objects, appended to the
  // queue and written in turn, so contents appear in index order.
  const contents = new BinaryWriter();
  for (let i = 0; i < enc.objects.length; i++) {
    // A copy for workers leaves `&self` (object 0) out: they read it in shared memory.
    if (i === 0 && workers !== null) contents.varuint(0);
    else enc.contents(contents, i);
  }
  if (workers !== null) workers.tokenIds = enc.objects.map((o) => o.tokenId);

  const loaded = new BinaryWriter();
  const loadedEntries: [number, string[]][] = [];
  enc.objects.forEach((obj, i) => {
    if (!(obj instanceof SpaceAtom)) return;
    const paths = modulesLoadedInto(env, obj.space);
    if (paths.length > 0) loadedEntries.push([i, paths]);
  });
  loaded.varuint(loadedEntries.length);
  for (const [i, paths] of loadedEntries) {
    loaded.varuint(i);
    loaded.varuint(paths.length);
    for (const p of paths) loaded.string(p);
  }
  // The fresh-variable high-water mark belongs with the settings but is known only now.
  settings.varuint(enc.maxFresh);

  const table = new BinaryWriter();
  table.varuint(enc.objects.length);
  for (let i = 0; i < enc.objects.length; i++) enc.tableEntry(table, i, moduleTokens);

  const symbols = new BinaryWriter();
  symbols.varuint(enc.symbolNames.length);
  for (const name of enc.symbolNames) symbols.string(name);

  const body = new BinaryWriter();
  section(body, Section.Symbols, symbols);
  section(body, Section.Objects, table);
  section(body, Section.Modules, mods);
  section(body, Section.Contents, contents);
  section(body, Section.Loaded, loaded);
  section(body, Section.Tokens, tokens);
  section(body, Section.Settings, settings);
  section(body, Section.Source, source);
  section(body, Section.Output, output);

  const out = new BinaryWriter();
  out.raw(STATE_MAGIC);
  out.u16(STATE_FORMAT_VERSION);
  out.u16(opaque === null ? 0 : FLAG_OPAQUE);
  out.u32(body.size);
  out.raw(body.finish());
  const bytes = out.finish();
  const result = new Uint8Array(bytes.length + TRAILER_SIZE);
  result.set(bytes);
  new DataView(result.buffer).setUint32(bytes.length, crc32(bytes), true);
  return result;
}

/**
 * The state as bytes. Throws StateSerializeError when it reaches a value that cannot be saved
 * (an open file handle), and StateConsumedError for a state already given to `run`.
 */
export function serializeState(state: MettaState): Uint8Array {
  assertUsable(state, 'serializeState');
  return encode(state, null);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Checks magic, version, flags, length and checksum; returns the body's bounds and the flags. */
function checkEnvelope(bytes: Uint8Array): { start: number; end: number; flags: number } {
  for (let i = 0; i < STATE_MAGIC.length && i < bytes.length; i++) {
    if (bytes[i] !== STATE_MAGIC[i]) throw new StateFormatError('not a MeTTa state (bad magic bytes)', i);
  }
  if (bytes.length < HEADER_SIZE) {
    throw new StateFormatError(`truncated: ${bytes.length} bytes, shorter than the ${HEADER_SIZE}-byte header`, bytes.length);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version === 0) throw new StateFormatError('format version 0 does not exist', 8);
  if (version > STATE_FORMAT_VERSION) {
    throw new StateFormatError(
      `format version ${version} is newer than this build supports (up to ${STATE_FORMAT_VERSION}); read it with a newer metta`,
      8,
    );
  }
  const flags = view.getUint16(10, true);
  if ((flags & ~FLAG_OPAQUE) !== 0) throw new StateFormatError(`unknown header flags 0x${flags.toString(16)}`, 10);
  const length = view.getUint32(12, true);
  const total = HEADER_SIZE + length + TRAILER_SIZE;
  if (bytes.length < total) {
    throw new StateFormatError(`truncated: the header announces ${total} bytes, only ${bytes.length} present`, bytes.length);
  }
  if (bytes.length > total) {
    throw new StateFormatError(`${bytes.length - total} unexpected bytes after the end of the state (${total} bytes)`, total);
  }
  const stored = view.getUint32(HEADER_SIZE + length, true);
  const computed = crc32(bytes, 0, HEADER_SIZE + length);
  if (stored !== computed) {
    throw new StateFormatError(
      `checksum mismatch: stored CRC-32 ${hex(stored)}, computed ${hex(computed)} over bytes 0..${HEADER_SIZE + length}; the data is corrupted`,
      HEADER_SIZE + length,
    );
  }
  return { start: HEADER_SIZE, end: HEADER_SIZE + length, flags };
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

interface RngEntry {
  readonly index: number;
  readonly module: readonly [string, string] | null;
  readonly words: number[];
  readonly at: number;
}

class Decoder {
  symbols: Atom[] = [];
  objects: (StateObject | null)[] = [];
  /** Maps of bindings objects, filled when their contents are read. */
  readonly bindingMaps = new Map<number, Map<string, Atom>>();
  readonly rngs: RngEntry[] = [];
  /** The largest N of the `$x#N` variables read. */
  maxFresh = 0;

  constructor(
    readonly env: Environment,
    private readonly opaque: readonly GroundedAtom[] | null,
  ) {}

  atom(r: BinaryReader): Atom {
    const builder = new PrefixBuilder();
    for (;;) {
      const at = r.pos;
      const tag = r.u8('an atom tag');
      let done: Atom;
      switch (tag) {
        case Tag.Sym: {
          const i = r.varuint('a symbol index');
          const s = this.symbols[i];
          if (s === undefined) r.fail(`symbol index ${i} is outside the symbol table (${this.symbols.length} entries)`, at);
          done = s;
          break;
        }
        case Tag.Var: {
          const name = r.string('a variable name');
          if (name.length === 0) r.fail('empty variable name', at);
          const m = FRESH_SUFFIX.exec(name);
          if (m !== null) this.maxFresh = Math.max(this.maxFresh, Number(m[1]));
          done = new VariableAtom(name);
          break;
        }
        case Tag.Expr: {
          const n = r.count('an expression arity');
          if (n > 0) {
            builder.open(n);
            continue;
          }
          done = new ExpressionAtom([]);
          break;
        }
        case Tag.IntPos:
          done = int(r.varuint('an integer'));
          break;
        case Tag.IntNeg: {
          const m = r.varuint('an integer');
          if (m === 0) r.fail('negative zero integer', at);
          done = int(-m);
          break;
        }
        case Tag.BigPos:
        case Tag.BigNeg: {
          const m = r.bigMagnitude('a big integer');
          const v = tag === Tag.BigNeg ? -m : m;
          if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
            r.fail('a big integer within the safe range (must be written as a plain integer)', at);
          }
          done = int(v);
          break;
        }
        case Tag.Float:
          done = new FloatAtom(r.f64('a float'));
          break;
        case Tag.Str:
          done = str(r.string('a string value'));
          break;
        case Tag.False:
          done = BoolAtom.FALSE;
          break;
        case Tag.True:
          done = BoolAtom.TRUE;
          break;
        case Tag.Object: {
          const i = r.varuint('an object index');
          const obj = this.objects[i];
          if (obj === undefined) r.fail(`object index ${i} is outside the object table (${this.objects.length} entries)`, at);
          if (obj === null) r.fail(`object ${i} is referenced before it exists`, at);
          done = obj;
          break;
        }
        case Tag.Opaque: {
          const i = r.varuint('an opaque index');
          const value = this.opaque?.[i];
          if (value === undefined) r.fail('an in-memory value reference outside a cloneState copy', at);
          done = value;
          break;
        }
        default:
          r.fail(`unknown atom tag ${tag}`, at);
      }
      const whole = builder.add(done);
      if (whole !== null) return whole;
    }
  }

  objectOf<T extends StateObject>(r: BinaryReader, type: abstract new (...args: never[]) => T, what: string): T {
    const at = r.pos;
    const i = r.varuint(`${what} index`);
    const obj = this.objects[i];
    if (!(obj instanceof type)) r.fail(`object ${i} is not ${what}`, at);
    return obj;
  }

  position(r: BinaryReader): SourcePosition {
    const file = r.string('a file name');
    const line = r.varuint('a line number');
    const column = r.varuint('a column number');
    return { file, line, column };
  }
}

/** Reads the sections in order; each must be present, in place, and read to its end. */
function readSections(bytes: Uint8Array, start: number, end: number, readers: ((r: BinaryReader) => void)[]): void {
  const outer = new BinaryReader(bytes, start, end);
  for (let id = 1; id <= readers.length; id++) {
    const at = outer.pos;
    const found = outer.u8('a section id');
    if (found !== id) outer.fail(`expected section ${id} (${SECTION_NAMES[id]}), found id ${found}`, at);
    const length = outer.varuint('a section length');
    if (length > outer.remaining) outer.fail(`section ${SECTION_NAMES[id]} is ${length} bytes, only ${outer.remaining} remain`, at);
    const r = new BinaryReader(bytes, outer.pos, outer.pos + length);
    readers[id - 1]!(r);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} unread bytes at the end of section ${SECTION_NAMES[id]}`);
    outer.pos += length;
  }
  if (outer.pos !== outer.end) outer.fail(`${outer.end - outer.pos} bytes after the last section`);
}

function decode(bytes: Uint8Array, opaque: readonly GroundedAtom[] | null, worker: { self: SpaceAtom; tokenIds: readonly number[] } | null = null): MettaState {
  const { start, end, flags } = checkEnvelope(bytes);
  if ((flags & FLAG_OPAQUE) !== 0 && opaque === null) {
    throw new StateFormatError('an in-memory copy made by cloneState, not a saved state', 10);
  }
  const env = newStateEnvironment(worker === null ? {} : { self: worker.self });
  const dec = new Decoder(env, opaque);
  let file = '<input>';
  let text: string | null = null;
  const source: SourceItem[] = [];
  const output: OutputRecord[] = [];
  let exitCode: ExitCode = ExitCode.Ok;
  let mark = 0;
  let markAt = 0;

  readSections(bytes, start, end, [
    // 1 symbols
    (r: BinaryReader) => {
      const n = r.count('the symbol count');
      for (let i = 0; i < n; i++) dec.symbols.push(sym(r.string('a symbol name')));
    },
    // 2 object table
    (r: BinaryReader) => {
      const n = r.count('the object count');
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8('an object kind');
        switch (kind) {
          case ObjectKind.Space: {
            const serial = r.varuint('a space number');
            dec.objects.push(i === 0 ? env.self : new SpaceAtom(new AtomSpace(serial)));
            env.spacesMade = Math.max(env.spacesMade, serial);
            break;
          }
          case ObjectKind.State:
            dec.objects.push(new StateAtom(UNIT, UNIT));
            break;
          case ObjectKind.Bindings: {
            const map = new Map<string, Atom>();
            dec.bindingMaps.set(i, map);
            dec.objects.push(new BindingsAtom(new Bindings(map)));
            break;
          }
          case ObjectKind.Rng: {
            const originAt = r.pos;
            const origin = r.u8('a generator origin');
            let module: readonly [string, string] | null = null;
            if (origin === RngOrigin.ModuleToken) module = [r.string('a module name'), r.string('a token')];
            else if (origin !== RngOrigin.Own) r.fail(`unknown generator origin ${origin}`, originAt);
            const words: number[] = [];
            for (let k = 0; k < 6; k++) words.push(r.u32('a generator state word'));
            if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) r.fail('a generator state of all zeros', at);
            dec.rngs.push({ index: i, module, words, at });
            dec.objects.push(null);
            break;
          }
          default:
            r.fail(`unknown object kind ${kind}`, at);
        }
        if (i === 0 && kind !== ObjectKind.Space) r.fail('object 0 must be the space &self', at);
      }
      if (n === 0) r.fail('the object table lacks the space &self');
    },
    // 3 modules; then the generators, which may be a module's own objects
    (r: BinaryReader) => {
      const tokensOf = new Map<string, readonly (readonly [string, Atom])[]>();
      const n = r.count('the optional module count');
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const name = r.string('a module name');
        const space = dec.objectOf(r, SpaceAtom, 'a space');
        if (tokensOf.has(name)) r.fail(`module ${name} listed twice`, at);
        const tokens = restoreOptionalModule(env, name, space);
        if (tokens === null) r.fail(`unknown built-in module ${name}`, at);
        tokensOf.set(name, tokens);
      }
      const files = r.count('the file module count');
      for (let i = 0; i < files; i++) {
        const path = r.string('a module path');
        restoreFileModule(env, path, dec.objectOf(r, SpaceAtom, 'a space'));
      }
      for (const g of dec.rngs) {
        let atom: RandomGeneratorAtom;
        if (g.module === null) atom = new RandomGeneratorAtom(new Prng(0n));
        else {
          const [name, word] = g.module;
          const found = tokensOf.get(name)?.find(([w]) => w === word)?.[1];
          if (!(found instanceof RandomGeneratorAtom)) r.fail(`module ${name} has no generator token ${word}`, g.at);
          atom = found;
        }
        atom.prng.importState(g.words);
        dec.objects[g.index] = atom;
      }
    },
    // 4 contents, in object order
    (r: BinaryReader) => {
      dec.objects.forEach((obj, i) => {
        if (obj instanceof SpaceAtom) {
          const n = r.count('an atom count');
          for (let k = 0; k < n; k++) obj.space.add(dec.atom(r));
        } else if (obj instanceof StateAtom) {
          obj.value = dec.atom(r);
          // Written once here, before anything can observe the placeholder.
          (obj as { valueType: Atom }).valueType = dec.atom(r);
        } else if (obj instanceof BindingsAtom) {
          const map = dec.bindingMaps.get(i)!;
          const n = r.count('a binding count');
          for (let k = 0; k < n; k++) {
            const at = r.pos;
            const name = r.string('a variable name');
            if (map.has(name)) r.fail(`variable ${name} bound twice`, at);
            map.set(name, dec.atom(r));
          }
        }
      });
    },
    // 5 file modules loaded into each space
    (r: BinaryReader) => {
      const n = r.count('the loaded-module count');
      for (let i = 0; i < n; i++) {
        const space = dec.objectOf(r, SpaceAtom, 'a space');
        const k = r.count('a path count');
        const paths: string[] = [];
        for (let j = 0; j < k; j++) paths.push(r.string('a module path'));
        restoreLoadedInto(env, space.space, paths);
      }
    },
    // 6 tokens
    (r: BinaryReader) => {
      const n = r.count('the token count');
      for (let i = 0; i < n; i++) {
        const word = r.string('a token');
        env.tokens.define(word, dec.atom(r));
      }
    },
    // 7 settings
    (r: BinaryReader) => {
      const at = r.pos;
      const typeCheck = r.u8('the type-check flag');
      if (typeCheck > 1) r.fail(`type-check flag ${typeCheck} is neither 0 nor 1`, at);
      env.settings.typeCheck = typeCheck === 1;
      const depth = r.varuint('the stack depth limit');
      env.settings.maxStackDepth = depth === 0 ? null : depth - 1;
      const n = r.count('the pragma count');
      for (let i = 0; i < n; i++) {
        const name = r.string('a pragma name');
        restorePragma(env, name, dec.atom(r));
      }
      env.currentDir = r.string('the current folder');
      const k = r.count('the include path count');
      for (let i = 0; i < k; i++) env.includePaths.push(r.string('an include path'));
      markAt = r.pos;
      mark = r.varuint('the fresh variable mark');
    },
    // 8 source
    (r: BinaryReader) => {
      file = r.string('the file name');
      const at = r.pos;
      const hasText = r.u8('the text flag');
      if (hasText > 1) r.fail(`text flag ${hasText} is neither 0 nor 1`, at);
      if (hasText === 1) text = r.string('the source text');
      const n = r.count('the source item count');
      for (let i = 0; i < n; i++) {
        const exec = r.u8('an item flag');
        if (exec > 1) r.fail(`item flag ${exec} is neither 0 nor 1`, r.pos - 1);
        const position = dec.position(r);
        source.push({ exec: exec === 1, position, atom: dec.atom(r) });
      }
    },
    // 9 output
    (r: BinaryReader) => {
      const at = r.pos;
      const code = r.varuint('the exit code');
      if (!(Object.values(ExitCode) as number[]).includes(code)) r.fail(`unknown exit code ${code}`, at);
      exitCode = code as ExitCode;
      const n = r.count('the output record count');
      for (let i = 0; i < n; i++) {
        const kindAt = r.pos;
        const kind = r.u8('an output record kind');
        if (kind === OutputKind.Results) {
          const position = dec.position(r);
          const line = r.string('a result line');
          const k = r.count('a result count');
          const atoms: Atom[] = [];
          for (let j = 0; j < k; j++) atoms.push(dec.atom(r));
          output.push({ kind: 'results', atoms, line, position });
        } else if (kind === OutputKind.Stdout || kind === OutputKind.Stderr) {
          output.push({ kind: kind === OutputKind.Stdout ? 'stdout' : 'stderr', text: r.string('output text') });
        } else r.fail(`unknown output record kind ${kind}`, kindAt);
      }
    },
  ]);
  // Checked against the variables actually read, so the counter only ever moves as far as names
  // present in the state require.
  if (mark !== dec.maxFresh) {
    throw new StateFormatError(`fresh variable mark ${mark} does not match the largest fresh variable number in the state (${dec.maxFresh})`, markAt);
  }
  reserveFresh(mark);
  if (worker !== null) {
    // The copies take their originals' grounded ids: atoms in the shared `&self` refer to them so.
    dec.objects.forEach((obj, i) => {
      const id = worker.tokenIds[i] ?? -1;
      if (id >= 0 && obj !== null) groundedTable.adopt(id, obj);
    });
  }
  return { source, text, file, environment: env, output, exitCode };
}

/**
 * Fresh variables are `$name#N` from a process-wide counter; a loaded state may hold some made in
 * another process, so the counter is moved past the largest N it holds, keeping new ones distinct.
 */
function reserveFresh(mark: number): void {
  advanceFreshCount(mark);
}

/**
 * The environment for the parallel runner's workers: everything but the contents of `&self`, which
 * they read in shared memory (AtomSpace.share / replica), plus each object's grounded id, so that
 * a worker's copy of a space or state encodes to the same token as the original.
 */
export function serializeForWorkers(env: Environment): { bytes: Uint8Array; tokenIds: number[] } {
  const workers = { tokenIds: [] as number[] };
  const bytes = encode({ source: [], text: null, file: '<workers>', environment: env, output: [], exitCode: ExitCode.Ok }, null, workers);
  return { bytes, tokenIds: workers.tokenIds };
}

/** A worker's copy of the environment `serializeForWorkers` wrote, with `self` as `&self`. */
export function deserializeForWorker(bytes: Uint8Array, tokenIds: readonly number[], self: SpaceAtom): Environment {
  return decode(bytes, null, { self, tokenIds }).environment;
}

/** Reads bytes written by serializeState; throws StateFormatError for anything else. */
export function deserializeState(bytes: Uint8Array): MettaState {
  return decode(bytes, null);
}

/**
 * An independent copy of `state` (spaces, states, generators, tokens, settings, modules) that can
 * be run without affecting the original. Values the format cannot save (open file handles) are
 * shared between the copies rather than refused.
 */
export function cloneState(state: MettaState): MettaState {
  assertUsable(state, 'cloneState');
  const opaque: GroundedAtom[] = [];
  return decode(encode(state, opaque), opaque);
}
