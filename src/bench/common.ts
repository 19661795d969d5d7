// Shared pieces of the benchmarks: a seeded PRNG, the `(edge nI nJ)` fact generator, command-line
// options, and small formatting helpers. Every generator here is deterministic for a given seed.

import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Atom } from '../core/index.js';
import { expr, sym } from '../core/index.js';
import { AtomSpace } from '../space/index.js';

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

export const EDGE = sym('edge');

/** The node symbol `nI` (interned, so repeated calls return the same object). */
export function node(i: number): Atom {
  return sym(`n${i}`);
}

export function edge(i: number, j: number): Atom {
  return expr([EDGE, node(i), node(j)]);
}

export interface GraphShape {
  /** Number of `(edge nI nJ)` facts. */
  readonly facts: number;
  /** I is uniform in [0, sources). */
  readonly sources: number;
  /** J is uniform in [0, targets). */
  readonly targets: number;
  readonly seed: number;
}

/**
 * Adds `shape.facts` facts `(edge nI nJ)` to a new space, I and J drawn independently and
 * uniformly. Duplicate facts are kept (the space is a multiset).
 */
export function buildGraphSpace(shape: GraphShape): AtomSpace {
  const rand = prng(shape.seed);
  const space = new AtomSpace();
  for (let k = 0; k < shape.facts; k++) {
    const i = randInt(rand, shape.sources);
    const j = randInt(rand, shape.targets);
    space.add(edge(i, j));
  }
  return space;
}

/** A command-line mistake of a benchmark script's user: printed without a stack (see isMain). */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** The options a script reads, by name without `--`: a string option takes a value. */
export type OptionTypes = Readonly<Record<string, 'string' | 'boolean'>>;

/**
 * Command-line options, read with node:util parseArgs (`--name value`, `--name=value`, `--flag`;
 * the last of a repeated option wins). Each script declares every option that it and the functions
 * it hands these to read, so a mistyped or unknown option stops the run instead of being ignored;
 * an environment variable may stand in for a value.
 */
export class Options {
  private readonly values: Readonly<Record<string, string | boolean | undefined>>;

  constructor(
    private readonly types: OptionTypes,
    argv: readonly string[] = process.argv.slice(2),
  ) {
    const options = Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { type }]));
    try {
      this.values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
    } catch (e) {
      const known = Object.entries(types).map(([name, type]) => `--${name}${type === 'string' ? ' VALUE' : ''}`);
      throw new OptionsError(`${(e as Error).message}\noptions: ${known.join(' ')}`);
    }
  }

  flag(name: string): boolean {
    this.declared(name, 'boolean');
    return this.values[name] === true;
  }

  string(name: string, env?: string): string | undefined {
    this.declared(name, 'string');
    const value = this.values[name];
    if (typeof value === 'string') return value;
    const fromEnv = env === undefined ? undefined : process.env[env];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }

  /** A positive integer option (see count); `fallback` when neither the option nor `env` is set. */
  int(name: string, env: string | undefined, fallback: number): number {
    const raw = this.string(name, env);
    return raw === undefined ? fallback : count(name, raw);
  }

  // A read of an undeclared option is a slip in the script, not in its command line.
  private declared(name: string, type: 'string' | 'boolean'): void {
    if (this.types[name] !== type) throw new Error(`bench: --${name} is not declared as a ${type} option of this script`);
  }
}

/** A positive integer given to option `--name`; accepts `100000`, `100_000`, `100k`, `1m`. */
export function count(name: string, raw: string): number {
  const m = /^(\d[\d_]*)([km]?)$/i.exec(raw.trim());
  if (m === null) throw new OptionsError(`--${name}: expected a positive integer, got ${raw}`);
  const scale = m[2]!.toLowerCase() === 'k' ? 1e3 : m[2]!.toLowerCase() === 'm' ? 1e6 : 1;
  const value = Number(m[1]!.replaceAll('_', '')) * scale;
  if (!Number.isSafeInteger(value) || value <= 0) throw new OptionsError(`--${name}: expected a positive integer, got ${raw}`);
  return value;
}

/** The option clockOption reads. */
export const CLOCK_OPTIONS = { clock: 'string' } as const satisfies OptionTypes;

export type ClockName = 'wall' | 'cpu';

/**
 * The clock that timings use, in milliseconds: `wall` (performance.now, the default) or `cpu`
 * (this process's user + system CPU time, all threads, GC helpers included). On a shared machine
 * CPU time is steadier, because time spent waiting for a core does not count.
 */
export function clockFn(name: ClockName): () => number {
  if (name === 'wall') return () => performance.now();
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
}

export function clockOption(opts: Options): ClockName {
  const raw = opts.string('clock', 'BENCH_CLOCK') ?? 'wall';
  if (raw !== 'wall' && raw !== 'cpu') throw new Error(`--clock: expected wall or cpu, got ${raw}`);
  return raw;
}

/** Runs the garbage collector when node was started with --expose-gc. */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) collect();
}

/** Collects garbage until array-buffer memory stops changing (backing stores are freed lazily). */
export async function settle(): Promise<NodeJS.MemoryUsage> {
  let before = process.memoryUsage();
  for (let round = 0; round < 5; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = process.memoryUsage();
    if (after.arrayBuffers === before.arrayBuffers && after.heapUsed <= before.heapUsed) return after;
    before = after;
  }
  return before;
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: () => void }).gc === 'function';
}

/** 1234567.8 → "1,234,568" (or with `digits` decimals). */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Signed, for deltas: "+1.5 MiB", "-0.9 MiB". */
export function deltaMib(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mib(Math.abs(bytes))}`;
}

/** Left-aligned first column, right-aligned others. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** True when this module file is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const main = metaUrl === `file://${process.argv[1]}`;
  if (main) {
    // A mistyped option ends the script with its message and exit code 2, not a stack trace.
    process.on('uncaughtException', (e) => {
      if (e instanceof OptionsError) {
        process.stderr.write(`${e.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${e.stack ?? e}\n`);
      process.exit(1);
    });
  }
  return main;
}

/** What the figures were measured on. */
export function machine(): Record<string, string | number> {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', totalMemGiB: Math.round(os.totalmem() / 2 ** 30), loadAvg1min: Number(os.loadavg()[0]!.toFixed(2)) };
}
