// bench/kb-load: loading a knowledge base of F facts `(edge nI nJ)` (I, J uniform in [0, 100,000);
// default F = 1,000,000) and answering a first query, three ways, each in fresh processes:
//
//   text    node bin/metta.js KB+Q.metta                      (parse, add and index every fact)
//   state   node bin/metta.js Q.metta --load-state KB.mstate   (the --save-state format: re-adds every atom)
//   mspace  node bin/metta.js Q.metta --space KB.mspace        (metta compile: arrays read back)
//   query   node bin/metta.js query KB.mspace P.metta          (the same pattern through metta query)
//   empty   node bin/metta.js Q.metta                          (start-up alone, for reference)
//
// Q is `!(match &self (edge nS $y) $y)` for the first fact's source S; every way must print the
// same line. Wall clock of the whole process and its peak RSS (from /usr/bin/time when present),
// the median of `--repeat` runs taken round-robin (so that a burst of load on a shared machine
// hits every way alike). In-process figures follow: parse + add + index rate of the text
// (Parser and AtomSpace.add, no evaluator), writeSpaceImage, and readSpaceImage with the index
// read back versus rebuilt from the store (the bulk alternative), and the file sizes.
//
//   node --expose-gc dist/src/bench/kb-load.js [--facts N] [--repeat N] [--args=--gpu,off] [--quick] [--json FILE]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, Parser } from '../core/index.js';
import { readSpaceImage, writeSpaceImage } from '../runner/index.js';
import { AtomSpace } from '../space/index.js';
import { fmt, isMain, machine, Options, prng, randInt, table } from './common.js';

export interface KbLoadOptions {
  readonly facts: number;
  readonly repeat: number;
  /** Extra flags for every `metta` run (e.g. `--gpu off`). */
  readonly args: readonly string[];
}

export interface ProcessFigure {
  readonly way: string;
  readonly command: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Peak resident set of the process, MiB (null without /usr/bin/time). */
  readonly peakRssMiB: number | null;
}

export interface KbLoadFigures {
  readonly facts: number;
  readonly machine: Record<string, string | number>;
  readonly processes: readonly ProcessFigure[];
  /** In process, every item through `Parser.next()` and `AtomSpace.add` (the general reader; measured second, its symbols interned). */
  readonly textParseIndexFactsPerSecond: number;
  /** In process, as `metta run` reads a knowledge base: plain facts through `nextSymbolFact` and `addSymbols` (measured first). */
  readonly textFactPathFactsPerSecond: number;
  readonly writeImageMs: number;
  readonly readImageMs: number;
  readonly bytes: { readonly text: number; readonly state: number; readonly mspace: number };
}

const NODES = 100_000;
const METTA = join(packageRoot, 'bin', 'metta.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function kbText(facts: number): { text: string; source: number } {
  const rand = prng(7);
  const lines = new Array<string>(facts);
  let source = -1;
  for (let k = 0; k < facts; k++) {
    const i = randInt(rand, NODES);
    if (k === 0) source = i;
    lines[k] = `(edge n${i} n${randInt(rand, NODES)})`;
  }
  return { text: lines.join('\n') + '\n', source };
}

/** One fresh `node bin/metta.js ...`: wall ms and peak RSS; its exit status must be 0. */
function runOnce(args: readonly string[]): { ms: number; rssMiB: number | null; stdout: string } {
  const argv = [process.execPath, METTA, ...args];
  const t0 = performance.now();
  const r = TIME !== null ? spawnSync(TIME, ['-f', '%M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`kb-load: metta ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  let rssMiB: number | null = null;
  if (TIME !== null) {
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    rssMiB = /^\d+$/.test(last) ? Number(last) / 1024 : null;
  }
  return { ms, rssMiB, stdout: r.stdout };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function msSince(t0: number): number {
  return performance.now() - t0;
}

export async function benchKbLoad(options: KbLoadOptions): Promise<KbLoadFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'metta-kb-load-'));
  try {
    const { text, source } = kbText(options.facts);
    const query = `!(match &self (edge n${source} $y) $y)\n`;
    const files = { kb: join(dir, 'kb.metta'), q: join(dir, 'q.metta'), full: join(dir, 'full.metta'), pats: join(dir, 'p.metta'), state: join(dir, 'kb.mstate'), mspace: join(dir, 'kb.mspace') };
    writeFileSync(files.kb, text);
    writeFileSync(files.q, query);
    writeFileSync(files.full, text + query);
    writeFileSync(files.pats, `!(match &self (edge n${source} $y) $y)\n`);
    const x = options.args;
    runOnce(['run', files.kb, '--save-state', files.state, ...x]);
    runOnce(['compile', files.kb, '-o', files.mspace]);

    const ways: [string, string[]][] = [
      ['text', ['run', files.full, ...x]],
      ['state', ['run', files.q, '--load-state', files.state, ...x]],
      ['mspace', ['run', files.q, '--space', files.mspace, ...x]],
      ['query', ['query', files.mspace, files.pats, '--quiet', ...x]],
      ['empty', ['run', files.q, ...x]],
    ];
    const runs = new Map<string, { ms: number[]; rss: number[]; out: string }>(ways.map(([w]) => [w, { ms: [], rss: [], out: '' }]));
    for (let r = 0; r < options.repeat; r++) {
      for (const [way, args] of ways) {
        const one = runOnce(args);
        const acc = runs.get(way)!;
        acc.ms.push(one.ms);
        if (one.rssMiB !== null) acc.rss.push(one.rssMiB);
        acc.out = one.stdout;
      }
    }
    const answer = runs.get('text')!.out;
    for (const way of ['state', 'mspace', 'query']) {
      if (runs.get(way)!.out !== answer) throw new Error(`kb-load: ${way} printed ${JSON.stringify(runs.get(way)!.out.slice(0, 200))}, text printed ${JSON.stringify(answer.slice(0, 200))}`);
    }
    const processes: ProcessFigure[] = ways.map(([way, args]) => {
      const acc = runs.get(way)!;
      return { way, command: `metta ${args.map((a) => a.replace(dir + '/', '')).join(' ')}`, medianMs: median(acc.ms), runsMs: acc.ms, peakRssMiB: acc.rss.length > 0 ? Math.max(...acc.rss) : null };
    });

    // In-process: the text path's parse + add + index (what the evaluator adds on top is its loop).
    // First as `metta run` reads a knowledge base (plain facts without atoms; the symbols new to
    // the process), then with every item an atom (the symbols interned by then).
    let t0 = performance.now();
    const direct = new AtomSpace();
    const factParser = new Parser(text, 'kb.metta');
    const ids = new Uint32Array(64);
    for (;;) {
      const n = factParser.nextSymbolFact(ids);
      if (n >= 0) {
        direct.addSymbols(ids, n);
        continue;
      }
      const item = factParser.next();
      if (item === null) break;
      direct.add(item.atom);
    }
    const factPathMs = msSince(t0);
    t0 = performance.now();
    const parsed = new AtomSpace();
    const parser = new Parser(text, 'kb.metta');
    for (let item = parser.next(); item !== null; item = parser.next()) parsed.add(item.atom);
    const parseMs = msSince(t0);
    if (direct.size !== parsed.size) throw new Error(`kb-load: the plain-fact path added ${direct.size} atoms, the reader ${parsed.size}`);
    t0 = performance.now();
    const image = writeSpaceImage(parsed, 'bench');
    const writeImageMs = msSince(t0);
    const shared = (): Uint8Array => {
      const b = new Uint8Array(new SharedArrayBuffer(image.length));
      b.set(image);
      return b;
    };
    let bytes = shared();
    t0 = performance.now();
    readSpaceImage(bytes);
    const readImageMs = msSince(t0);

    const figures: KbLoadFigures = {
      facts: options.facts,
      machine: machine(),
      processes,
      textParseIndexFactsPerSecond: (options.facts / parseMs) * 1000,
      textFactPathFactsPerSecond: (options.facts / factPathMs) * 1000,
      writeImageMs,
      readImageMs,
      bytes: { text: statSync(files.kb).size, state: statSync(files.state).size, mspace: statSync(files.mspace).size },
    };
    print(figures, options);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(f: KbLoadFigures, options: KbLoadOptions): void {
  console.log(`\nkb-load: ${fmt(f.facts)} facts (edge nI nJ), I, J uniform in [0, ${fmt(NODES)}); fresh processes, median of ${options.repeat}${options.args.length > 0 ? `, flags ${options.args.join(' ')}` : ''}`);
  console.log(table(['way', 'wall ms (median)', 'runs', 'peak RSS MiB', 'command'], f.processes.map((p) => [p.way, fmt(p.medianMs), p.runsMs.map((m) => fmt(m)).join(' '), p.peakRssMiB === null ? 'n/a' : fmt(p.peakRssMiB), p.command])));
  console.log(`in process: text parse + add + index ${fmt(f.textParseIndexFactsPerSecond)} facts/s (every item an atom, symbols interned), ${fmt(f.textFactPathFactsPerSecond)} facts/s (plain facts as metta run reads them, first); writeSpaceImage ${fmt(f.writeImageMs)} ms; readSpaceImage ${fmt(f.readImageMs)} ms (the index built from the store)`);
  console.log(`files: text ${fmt(f.bytes.text / 2 ** 20, 1)} MiB, --save-state ${fmt(f.bytes.state / 2 ** 20, 1)} MiB, .mspace ${fmt(f.bytes.mspace / 2 ** 20, 1)} MiB`);
}

export function kbLoadOptionsFor(mode: 'tiny' | 'quick' | 'full'): KbLoadOptions {
  if (mode === 'tiny') return { facts: 10_000, repeat: 1, args: [] };
  if (mode === 'quick') return { facts: 100_000, repeat: 3, args: [] };
  return { facts: 1_000_000, repeat: 3, args: [] };
}

if (isMain(import.meta.url)) {
  const opts = new Options({ quick: 'boolean', json: 'string', facts: 'string', repeat: 'string', args: 'string' });
  const base = kbLoadOptionsFor(opts.flag('quick') ? 'quick' : 'full');
  const args = opts.string('args');
  const figures = await benchKbLoad({
    facts: opts.int('facts', undefined, base.facts),
    repeat: opts.int('repeat', undefined, base.repeat),
    args: args === undefined ? base.args : args.split(',').filter((a) => a !== ''),
  });
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ kbLoad: figures }, null, 2));
}
