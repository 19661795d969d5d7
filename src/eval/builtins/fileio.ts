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
//
// Files are opened non-blocking: a FIFO, terminal or socket that has nothing to give (or no reader
// yet, for writing) is waited on in short sleeps that check Ctrl-C and `--timeout`. A blocking read
// would hold the evaluating thread in a system call no limit can end (not even terminating the
// thread, nor exiting the process). A FIFO opened for reading waits for its first bytes (without
// O_NONBLOCK, opening it would wait for a writer); after them, no writer left is the end of file.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Atom, GroundedAtom, sym, UNIT } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { int, IntAtom, quoteString, str, StringAtom } from '../../core/index.js';
import { type Builtin, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { checkInterrupt } from '../machine.js';
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
    /** A regular file or block device: read and written at `position`; else a stream (FIFO, terminal, socket). */
    readonly seekable: boolean,
    /** A FIFO: a read waits for its first bytes (see the top of the file). */
    readonly fifo: boolean,
  ) {
    super();
  }
  /** Bytes read so far (a FIFO's end of file counts only after some). */
  bytesRead = 0;
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

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const WAIT_MS = 10;

/** One short sleep of a wait on a stream, after checking Ctrl-C and the deadline (which end the wait). */
function pause(env: Environment): void {
  checkInterrupt(env);
  Atomics.wait(sleeper, 0, 0, WAIT_MS);
}

function wouldBlock(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

function readBytes(env: Environment, h: FileHandleAtom, op: string, limit: number | null): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = limit === null ? 65536 : limit - total;
    if (want === 0) break;
    const buf = Buffer.alloc(Math.min(want, 65536));
    let n: number;
    try {
      n = readSync(h.fd, buf, 0, buf.length, h.seekable ? h.position : null);
    } catch (e) {
      if (!wouldBlock(e)) ioFailure(op, h.path, e);
      pause(env);
      continue;
    }
    if (n === 0) {
      // A FIFO without a writer before its first bytes: the writer has not come yet.
      if (h.fifo && h.bytesRead === 0) {
        pause(env);
        continue;
      }
      break;
    }
    chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    h.position += n;
    h.bytesRead += n;
    total += n;
  }
  return Buffer.concat(chunks, total);
}

/** Opens `path`, waiting (interruptibly) while a FIFO opened for writing has no reader. */
function openFile(env: Environment, path: string, flags: number): number {
  for (;;) {
    try {
      return openSync(resolve(env.currentDir, path), flags | constants.O_NONBLOCK, 0o666);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') ioFailure('file-open!', path, e);
      pause(env);
    }
  }
}

export function fileioModule(env: Environment): OptionalModule {
  const builtins: Builtin[] = [
    builtin('file-open!', '(-> String String FileHandle)', ([pathAtom, optionsAtom], ctx) => {
      const path = text(pathAtom!, 'file-open!');
      const { flags, append } = openFlags(text(optionsAtom!, 'file-open!'));
      const fd = openFile(env, path, flags);
      let kind: Stats;
      try {
        kind = fstatSync(fd);
      } catch (e) {
        closeSync(fd);
        ioFailure('file-open!', path, e);
      }
      return values(ctx, new FileHandleAtom(path, fd, append, kind.isFile() || kind.isBlockDevice(), kind.isFIFO()));
    }),
    builtin('file-read-to-string!', '(-> FileHandle String)', ([h], ctx) => {
      const handle = handleOf(h!, 'file-read-to-string!');
      return values(ctx, str(readBytes(env, handle, 'file-read-to-string!', null).toString('utf8')));
    }),
    builtin('file-read-exact!', '(-> FileHandle Number String)', ([h, n], ctx) => {
      const handle = handleOf(h!, 'file-read-exact!');
      const want = count(n!, 'file-read-exact!');
      const bytes = readBytes(env, handle, 'file-read-exact!', want);
      if (bytes.length < want) fail(`file-read-exact!: ${handle.path}: end of file after ${bytes.length} of ${want} bytes`);
      return values(ctx, str(bytes.toString('utf8')));
    }),
    builtin('file-write!', '(-> FileHandle String (->))', ([h, content], ctx) => {
      const handle = handleOf(h!, 'file-write!');
      const bytes = Buffer.from(text(content!, 'file-write!'), 'utf8');
      let off = 0;
      while (off < bytes.length) {
        try {
          off += writeSync(handle.fd, bytes, off, bytes.length - off, handle.append || !handle.seekable ? null : handle.position + off);
        } catch (e) {
          if (!wouldBlock(e)) ioFailure('file-write!', handle.path, e);
          pause(env);
        }
      }
      try {
        handle.position = handle.append && handle.seekable ? fstatSync(handle.fd).size : handle.position + bytes.length;
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
