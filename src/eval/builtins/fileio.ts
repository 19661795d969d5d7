// The optional module `fileio` (SPEC §5), loaded with `!(import! &self fileio)`. Names and open
// options follow the reference's fileio module; `file-close!` is our addition.
//
//   (file-open! path options)      a FileHandle; options is a string of letters:
//                                  r read, w write, a append, c create, t truncate (e.g. "r", "wct", "ac")
//   (file-read-to-string! h)       the rest of the file from the current position, as a String
//   (file-read-exact! h n)         exactly n bytes from the current position (an error if fewer remain)
//   (file-write! h text)           writes a String at the current position (at the end with `a`)
//   (file-seek! h pos)             moves the current position to byte `pos`
//   (file-get-size! h)             the file's size in bytes
//   (file-close! h)                closes the file; later operations on h are errors
//
// A relative path is resolved against the folder of the running program (`env.currentDir`), like
// `import!`. Text is UTF-8; positions and sizes count bytes.

import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Atom, GroundedAtom, sym, UNIT } from '../../core/atoms.js';
import { formatAtom } from '../../core/printer.js';
import { int, IntAtom, quoteString, str, StringAtom } from '../../core/values.js';
import { type Builtin, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { builtin, fail } from './define.js';
import type { OptionalModule } from './modules.js';

export class FileHandleAtom extends GroundedAtom {
  /** The byte offset the next read or write starts at. */
  position = 0;
  closed = false;

  constructor(
    readonly path: string,
    readonly fd: number,
    readonly append: boolean,
  ) {
    super();
  }
  typeAtom(): Atom {
    return sym('FileHandle');
  }
  print(): string {
    return `(FileHandle ${quoteString(this.path)})`;
  }
  internKey(): null {
    return null;
  }
}

function handleOf(atom: Atom, op: string): FileHandleAtom {
  if (!(atom instanceof FileHandleAtom)) fail(`${op} expects a file handle, got ${formatAtom(atom)}`);
  if (atom.closed) fail(`${op}: file ${atom.path} is closed`);
  return atom;
}

function text(atom: Atom, op: string): string {
  if (atom instanceof StringAtom) return atom.value;
  fail(`${op} expects a string, got ${formatAtom(atom)}`);
}

function count(atom: Atom, op: string): number {
  if (atom instanceof IntAtom && atom.value >= 0 && typeof atom.value === 'number') return atom.value;
  fail(`${op} expects a non-negative integer, got ${formatAtom(atom)}`);
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
};

function ioFailure(op: string, path: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  fail(`${op}: ${path}: ${(code !== undefined ? REASONS[code] : undefined) ?? (e as Error).message}`);
}

/** Open flags for the reference's option letters (the rules of Rust's OpenOptions). */
function openFlags(options: string): { flags: number; append: boolean } {
  let read = false;
  let write = false;
  let append = false;
  let create = false;
  let truncate = false;
  for (const c of options) {
    if (c === 'r') read = true;
    else if (c === 'w') write = true;
    else if (c === 'a') append = true;
    else if (c === 'c') create = true;
    else if (c === 't') truncate = true;
    else fail(`file-open!: unrecognized option '${c}' (expected letters from r, w, a, c, t)`);
  }
  if (!read && !write && !append) fail('file-open!: options must include r, w or a');
  if (create && !write && !append) fail('file-open!: option c needs w or a');
  if (truncate && !write) fail('file-open!: option t needs w');
  if (truncate && append) fail('file-open!: options t and a cannot be combined');
  const writing = write || append;
  let flags = read && writing ? constants.O_RDWR : writing ? constants.O_WRONLY : constants.O_RDONLY;
  if (append) flags |= constants.O_APPEND;
  if (create) flags |= constants.O_CREAT;
  if (truncate) flags |= constants.O_TRUNC;
  return { flags, append };
}

function readBytes(h: FileHandleAtom, op: string, limit: number | null): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const want = limit === null ? 65536 : limit - total;
      if (want === 0) break;
      const buf = Buffer.alloc(Math.min(want, 65536));
      const n = readSync(h.fd, buf, 0, buf.length, h.position);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      h.position += n;
      total += n;
    }
  } catch (e) {
    ioFailure(op, h.path, e);
  }
  return Buffer.concat(chunks, total);
}

export function fileioModule(env: Environment): OptionalModule {
  const builtins: Builtin[] = [
    builtin('file-open!', '(-> String String FileHandle)', ([pathAtom, optionsAtom], ctx) => {
      const path = text(pathAtom!, 'file-open!');
      const { flags, append } = openFlags(text(optionsAtom!, 'file-open!'));
      let fd: number;
      try {
        fd = openSync(resolve(env.currentDir, path), flags, 0o666);
      } catch (e) {
        ioFailure('file-open!', path, e);
      }
      return values(ctx, new FileHandleAtom(path, fd, append));
    }),
    builtin('file-read-to-string!', '(-> FileHandle String)', ([h], ctx) => {
      const handle = handleOf(h!, 'file-read-to-string!');
      return values(ctx, str(readBytes(handle, 'file-read-to-string!', null).toString('utf8')));
    }),
    builtin('file-read-exact!', '(-> FileHandle Number String)', ([h, n], ctx) => {
      const handle = handleOf(h!, 'file-read-exact!');
      const want = count(n!, 'file-read-exact!');
      const bytes = readBytes(handle, 'file-read-exact!', want);
      if (bytes.length < want) fail(`file-read-exact!: ${handle.path}: end of file after ${bytes.length} of ${want} bytes`);
      return values(ctx, str(bytes.toString('utf8')));
    }),
    builtin('file-write!', '(-> FileHandle String (->))', ([h, content], ctx) => {
      const handle = handleOf(h!, 'file-write!');
      const bytes = Buffer.from(text(content!, 'file-write!'), 'utf8');
      try {
        let off = 0;
        while (off < bytes.length) {
          const n = writeSync(handle.fd, bytes, off, bytes.length - off, handle.append ? null : handle.position + off);
          off += n;
        }
        handle.position = handle.append ? fstatSync(handle.fd).size : handle.position + bytes.length;
      } catch (e) {
        ioFailure('file-write!', handle.path, e);
      }
      return values(ctx, UNIT);
    }),
    builtin('file-seek!', '(-> FileHandle Number (->))', ([h, pos], ctx) => {
      const handle = handleOf(h!, 'file-seek!');
      handle.position = count(pos!, 'file-seek!');
      return values(ctx, UNIT);
    }),
    builtin('file-get-size!', '(-> FileHandle Number)', ([h], ctx) => {
      const handle = handleOf(h!, 'file-get-size!');
      try {
        return values(ctx, int(fstatSync(handle.fd).size));
      } catch (e) {
        ioFailure('file-get-size!', handle.path, e);
      }
    }),
    builtin('file-close!', '(-> FileHandle (->))', ([h], ctx) => {
      const handle = handleOf(h!, 'file-close!');
      handle.closed = true;
      try {
        closeSync(handle.fd);
      } catch (e) {
        ioFailure('file-close!', handle.path, e);
      }
      return values(ctx, UNIT);
    }),
  ];
  return { builtins };
}
