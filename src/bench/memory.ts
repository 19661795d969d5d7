// bench/memory: size and build time of a snapshot (the frozen trie) for 1,000,000 facts
// `(edge nI nJ)` (DESIGN.md "Benchmarks"; the bar is < 48 bytes per atom, the goal < 24).
//
// For each distribution (I and J uniform in [0, nodes); default nodes = 10,000 and 1,000,000) it
// builds the space, times the first `space.snapshot()` (the real trie build), then times
// `buildFlatTrie` on the same store with tinybench for a mean. It reports
//   - trie bytes per atom = trie.byteLength / atomCount, and the node count by trie level,
//   - the store's token strings (not part of the trie, but what leaves unify against),
//   - process deltas (heap, array buffers incl. SharedArrayBuffers, RSS) after a forced GC; run
//     node with --expose-gc or these are only indicative.
//
//   node --expose-gc dist/src/bench/memory.js [--facts N] [--nodes N,N,...] [--seed N] [--clock wall|cpu] [--quick] [--json FILE]
//   (environment: MEM_FACTS, MEM_NODES, BENCH_SEED, BENCH_CLOCK)

import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { buildFlatTrie, type FlatTrie } from '../space/index.js';
import { buildGraphSpace, CLOCK_OPTIONS, type ClockName, clockFn, clockOption, count, deltaMib, fmt, hasGc, isMain, machine, mib, Options, type OptionTypes, settle, table } from './common.js';

export interface MemoryOptions {
  readonly facts: number;
  /** One distribution per entry: I and J uniform in [0, nodes). */
  readonly nodes: readonly number[];
  readonly seed: number;
  readonly quick: boolean;
  /** Clock of every timing: wall time or process CPU time. */
  readonly clock: ClockName;
}

export interface MemoryFigures {
  readonly facts: number;
  readonly nodes: number;
  readonly atomCount: number;
  readonly trieNodes: number;
  /** Nodes per trie level below `edge`: distinct I, distinct (I, J) pairs, atom nodes. */
  readonly distinctSources: number;
  readonly distinctPairs: number;
  readonly trieBytes: number;
  readonly bytesPerAtom: number;
  /** Store token strings and offsets actually used, per atom (capacity may be larger). */
  readonly storeBytesPerAtom: number;
  readonly buildSpaceMs: number;
  /** The first `space.snapshot()`, timed once. */
  readonly snapshotMs: number;
  /** `buildFlatTrie` on the same store, tinybench mean. */
  readonly buildMeanMs: number;
  readonly buildRmePercent: number;
  readonly buildSamples: number;
  readonly heapDeltaSpaceBytes: number;
  readonly arrayBuffersDeltaSnapshotBytes: number;
  readonly rssDeltaSnapshotBytes: number;
  readonly heapDeltaSnapshotBytes: number;
}

/** The options memoryOptions reads. */
export const MEMORY_OPTIONS = { quick: 'boolean', facts: 'string', nodes: 'string', seed: 'string', ...CLOCK_OPTIONS } as const satisfies OptionTypes;

export function memoryOptions(opts: Options = new Options(MEMORY_OPTIONS)): MemoryOptions {
  const quick = opts.flag('quick');
  const rawNodes = opts.string('nodes', 'MEM_NODES');
  const nodes = rawNodes === undefined ? (quick ? [1_000, 100_000] : [10_000, 1_000_000]) : rawNodes.split(',').map((n) => count('n', n));
  return { facts: opts.int('facts', 'MEM_FACTS', quick ? 100_000 : 1_000_000), nodes, seed: opts.int('seed', 'BENCH_SEED', 1), quick, clock: clockOption(opts) };
}

/** Children of `node`, as a count. */
function childCount(trie: FlatTrie, node: number): number {
  return trie.childStart[node + 1]! - trie.childStart[node]!;
}

async function measure(facts: number, nodes: number, options: MemoryOptions): Promise<MemoryFigures> {
  const now = clockFn(options.clock);
  const m0 = await settle();
  let t0 = now();
  const space = buildGraphSpace({ facts, sources: nodes, targets: nodes, seed: options.seed });
  const buildSpaceMs = now() - t0;
  const m1 = await settle();
  t0 = now();
  const snapshot = space.snapshot();
  const snapshotMs = now() - t0;
  const m2 = await settle();
  const trie = snapshot.trie;

  // Root → `(` of arity 3 → `edge` → one child per distinct I → one per distinct (I, J) → atoms.
  const exprNode = trie.childStart[0]!;
  const edgeNode = trie.childStart[exprNode]!;
  if (childCount(trie, 0) !== 1 || childCount(trie, exprNode) !== 1) throw new Error('unexpected trie shape');
  const distinctSources = childCount(trie, edgeNode);
  let distinctPairs = 0;
  for (let n = trie.childStart[edgeNode]!; n < trie.childStart[edgeNode + 1]!; n++) distinctPairs += childCount(trie, n);
  if (3 + distinctSources + distinctPairs + trie.atomCount !== trie.nodeCount) throw new Error('unexpected node count');

  const { tokens, offsets } = space.store.rawTokens();
  const ids = space.ids();
  const idLimit = space.store.idLimit;
  const storeBytes = offsets[idLimit]! * 4 + (idLimit + 1) * 4;

  let sink = 0;
  const bench = new Bench({ now, name: 'snapshot build', time: 0, iterations: options.quick ? 3 : 5, warmupIterations: 1, warmupTime: 0 });
  bench.add('buildFlatTrie', () => {
    sink += buildFlatTrie(tokens, offsets, ids).nodeCount;
  });
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`buildFlatTrie: ${r.state}`);
  if (sink < 0) console.log(sink);

  return {
    facts,
    nodes,
    atomCount: trie.atomCount,
    trieNodes: trie.nodeCount,
    distinctSources,
    distinctPairs,
    trieBytes: trie.byteLength,
    bytesPerAtom: trie.byteLength / trie.atomCount,
    storeBytesPerAtom: storeBytes / trie.atomCount,
    buildSpaceMs,
    snapshotMs,
    buildMeanMs: r.latency.mean,
    buildRmePercent: r.latency.rme,
    buildSamples: r.latency.samplesCount,
    heapDeltaSpaceBytes: m1.heapUsed - m0.heapUsed,
    arrayBuffersDeltaSnapshotBytes: m2.arrayBuffers - m1.arrayBuffers,
    rssDeltaSnapshotBytes: m2.rss - m1.rss,
    heapDeltaSnapshotBytes: m2.heapUsed - m1.heapUsed,
  };
}

export async function benchMemory(options: MemoryOptions): Promise<MemoryFigures[]> {
  console.log(`\nmemory: snapshot of ${fmt(options.facts)} facts (edge nI nJ); seed ${options.seed}; ${options.clock} clock${hasGc() ? '' : ' (no --expose-gc: memory deltas are indicative)'}`);
  const results: MemoryFigures[] = [];
  for (const nodes of options.nodes) {
    const f = await measure(options.facts, nodes, options);
    results.push(f);
    console.log(
      `I,J in [0, ${fmt(nodes)}): space built in ${fmt(f.buildSpaceMs)} ms; first snapshot ${fmt(f.snapshotMs)} ms; ` +
        `trie ${mib(f.trieBytes)}; snapshot arrayBuffers ${deltaMib(f.arrayBuffersDeltaSnapshotBytes)}, RSS ${deltaMib(f.rssDeltaSnapshotBytes)}, heap ${deltaMib(f.heapDeltaSnapshotBytes)}; space heap ${deltaMib(f.heapDeltaSpaceBytes)}`,
    );
  }
  console.log(
    '\n' +
      table(
        ['distribution', 'atoms', 'distinct I', 'distinct (I,J)', 'trie nodes', 'trie B/atom', 'store B/atom', 'snapshot ms', 'build mean ms', '±%'],
        results.map((f) => [
          `I,J in [0, ${fmt(f.nodes)})`,
          fmt(f.atomCount),
          fmt(f.distinctSources),
          fmt(f.distinctPairs),
          fmt(f.trieNodes),
          f.bytesPerAtom.toFixed(2),
          f.storeBytesPerAtom.toFixed(2),
          fmt(f.snapshotMs),
          fmt(f.buildMeanMs),
          f.buildRmePercent.toFixed(1),
        ]),
      ),
  );
  console.log('bar: < 48 trie bytes per atom; goal < 24');
  return results;
}

if (isMain(import.meta.url)) {
  const opts = new Options({ ...MEMORY_OPTIONS, json: 'string' });
  const figures = await benchMemory(memoryOptions(opts));
  const json = opts.string('json');
  if (json !== undefined) {
    writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), memory: figures }, null, 2) + '\n');
  }
}
