// Bulk queries: many match patterns against one frozen space, answered batch by batch in pattern
// order, on the CPU trie matcher or the GPU matcher. The pieces behind `metta query` (src/cli/query.ts)
// and usable from the library:
//
// - `PatternReader` reads a patterns file a batch at a time: each top-level item is one pattern —
//   a bare atom `P` (or `!P`), whose results are P instantiated by each match, or a form
//   `!(match &self P T)`, whose results are the template T instantiated (not evaluated: the bulk
//   path answers space queries, it does not run the interpreter);
// - `BatchMatcher` answers a batch: `cpu` through `queryBatch` (trie matcher, conjunctions joined as
//   `match` joins them), `gpu` through `GpuMatcher` (plain patterns in one GPU batch, conjunctions on
//   the CPU), falling back to the CPU for good when the GPU is missing or fails — same answers;
// - `formatAnswer` prints one pattern's answers as a line of text (`[r1, r2, ...]`, as `metta run`
//   prints a `!` form) or as one JSON object.

import type { Atom } from '../core/atoms.js';
import { AtomKind, isExpression } from '../core/atoms.js';
import type { Bindings } from '../core/bindings.js';
import { MettaSyntaxError, type SourcePosition } from '../core/errors.js';
import { Parser, type TokenRegistry } from '../core/parser.js';
import { formatAtom, formatAtomNumbered, FreshNumbering } from '../core/printer.js';
import { CompiledPattern, conjuncts, query, queryBatch } from '../cpu/index.js';
import type { SpaceSnapshot } from '../space/atom-space.js';

/** One pattern of a patterns file. */
export interface BulkPattern {
  readonly pattern: Atom;
  /** The template of a `!(match &self P T)` form; null for a bare pattern (its results are P instantiated). */
  readonly template: Atom | null;
  readonly position: SourcePosition;
}

/** A patterns-file item that is not a pattern (`!(match &other ...)`, a malformed match form). */
export class PatternFormError extends MettaSyntaxError {}

/** The pattern of one top-level item (see the header). Throws PatternFormError for a match form it cannot answer. */
export function bulkPatternOf(atom: Atom, exec: boolean, position: SourcePosition, isSelf: (space: Atom) => boolean = (a) => formatAtom(a) === '&self'): BulkPattern {
  if (exec && isExpression(atom) && atom.children.length > 0 && atom.children[0]!.kind === AtomKind.Symbol && (atom.children[0] as { name: string }).name === 'match') {
    if (atom.children.length !== 4) throw new PatternFormError(`a match form is (match &self PATTERN TEMPLATE), got ${atom.children.length - 1} argument(s)`, position);
    if (!isSelf(atom.children[1]!)) throw new PatternFormError(`only &self can be queried here, got ${formatAtom(atom.children[1]!)}`, position);
    return { pattern: atom.children[2]!, template: atom.children[3]!, position };
  }
  return { pattern: atom, template: null, position };
}

/** Reads a patterns text a batch at a time. */
export class PatternReader {
  private readonly parser: Parser;
  private done = false;
  /** Patterns read so far. */
  count = 0;

  constructor(
    private readonly text: string,
    file: string,
    tokens?: TokenRegistry,
    /** Whether the space argument of a match form is `&self` (read with `tokens`, it is the space object). */
    private readonly isSelf?: (space: Atom) => boolean,
  ) {
    this.parser = new Parser(text, file, tokens);
  }

  /** Fraction of the text read (0..1), for a progress bar. */
  get progress(): number {
    return this.text.length === 0 ? 1 : this.parser.mark().index / this.text.length;
  }

  get finished(): boolean {
    return this.done;
  }

  /**
   * Up to `max` patterns. A syntax or form error ends the reading: the patterns before it come back
   * with it, so they can still be answered and printed before the error is reported.
   */
  nextBatch(max: number): { patterns: BulkPattern[]; error: MettaSyntaxError | null } {
    const patterns: BulkPattern[] = [];
    while (!this.done && patterns.length < max) {
      try {
        const item = this.parser.next();
        if (item === null) {
          this.done = true;
          break;
        }
        patterns.push(bulkPatternOf(item.atom, item.exec, item.position, this.isSelf));
        this.count++;
      } catch (e) {
        if (!(e instanceof MettaSyntaxError)) throw e;
        this.done = true;
        return { patterns, error: e };
      }
    }
    return { patterns, error: null };
  }
}

export type MatchPath = 'cpu' | 'gpu';

export interface BatchMatcherStats {
  batches: number;
  patterns: number;
  results: number;
  /** Batches answered on the GPU, and on the CPU. */
  gpuBatches: number;
  cpuBatches: number;
  /** Set when the GPU failed (or was missing) and the CPU answered instead. */
  gpuFailure: string | null;
}

type GpuModule = typeof import('../gpu/index.js');

/** Answers batches of patterns against one snapshot, in pattern order. */
export class BatchMatcher {
  readonly stats: BatchMatcherStats = { batches: 0, patterns: 0, results: 0, gpuBatches: 0, cpuBatches: 0, gpuFailure: null };
  private gpu: InstanceType<GpuModule['GpuMatcher']> | null = null;
  private gpuModule: GpuModule | null = null;
  /** The GPU adapter in use, or null. */
  adapter: string | null = null;

  private constructor(
    readonly view: SpaceSnapshot,
    private readonly warn: (text: string) => void,
  ) {}

  /**
   * A matcher over `view` (take it with `space.snapshot()`). `gpu`: open the GPU (the `webgpu`
   * module is loaded only then); without an adapter, `warn` is told once and the CPU answers.
   */
  static async open(view: SpaceSnapshot, path: MatchPath, warn: (text: string) => void = () => {}): Promise<BatchMatcher> {
    const m = new BatchMatcher(view, warn);
    if (path === 'gpu') {
      const mod = await import('../gpu/index.js');
      m.gpuModule = mod;
      try {
        const gpu = new mod.GpuMatcher();
        m.adapter = await gpu.adapterName();
        m.gpu = gpu;
      } catch (e) {
        if (!(e instanceof mod.GpuError)) throw e;
        m.gpuFailed(e);
      }
    }
    return m;
  }

  /** Whether batches currently go to the GPU. */
  get onGpu(): boolean {
    return this.gpu !== null;
  }

  /**
   * The bindings of every match of each pattern, in pattern order (each in `match` order); on the
   * GPU when it is open and `useGpu` (the scheduler's choice), else on the CPU.
   */
  async answer(patterns: readonly Atom[], useGpu = true): Promise<Bindings[][]> {
    let out: Bindings[][] | null = null;
    if (this.gpu !== null && useGpu) out = await this.onGpuOrNull(patterns);
    if (out === null) {
      out = queryBatch(this.view, patterns);
      this.stats.cpuBatches++;
    } else this.stats.gpuBatches++;
    this.stats.batches++;
    this.stats.patterns += patterns.length;
    for (const r of out) this.stats.results += r.length;
    return out;
  }

  private async onGpuOrNull(patterns: readonly Atom[]): Promise<Bindings[][] | null> {
    const gpu = this.gpu!;
    const plain: number[] = [];
    patterns.forEach((p, i) => {
      if (conjuncts(p) === null) plain.push(i);
    });
    try {
      const compiled = plain.map((i) => new CompiledPattern(patterns[i]!));
      const m = compiled.length === 0 ? null : await gpu.matchCompact(this.view, compiled);
      const out: Bindings[][] = new Array(patterns.length);
      let k = 0;
      for (let i = 0; i < patterns.length; i++) {
        if (plain[k] === i) out[i] = gpu.hitsOf(this.view, m!, k++).map((h) => h.bindings);
        else out[i] = query(this.view, patterns[i]!);
      }
      return out;
    } catch (e) {
      if (!(e instanceof this.gpuModule!.GpuError)) throw e;
      this.gpuFailed(e);
      return null;
    }
  }

  private gpuFailed(e: Error): void {
    this.stats.gpuFailure = `${e.name}: ${e.message}`;
    this.warn(`metta: --gpu on: ${e.message}; matching runs on the CPU\n`);
    this.gpu?.dispose();
    this.gpu = null;
  }

  /** Frees the GPU's buffers and closes the device (the process cannot exit while it is open). */
  async close(): Promise<void> {
    this.gpu?.dispose();
    this.gpu = null;
    if (this.gpuModule !== null) await this.gpuModule.closeGpu();
  }
}

export type AnswerFormat = 'text' | 'jsonl';

/** The result atoms of one pattern: its template (or the pattern itself) instantiated by each match. */
export function resultAtoms(item: BulkPattern, answers: readonly Bindings[]): Atom[] {
  const target = item.template ?? item.pattern;
  return answers.map((b) => b.resolve(target));
}

/**
 * One pattern's answers as one line (no newline): `text` prints `[r1, r2, ...]` as `metta run`
 * prints a `!` form (fresh variables numbered by first appearance in the line); `jsonl` prints
 * `{"index", "pattern", "template"?, "line", "column", "results": [...]}` with the same result
 * texts.
 */
export function formatAnswer(index: number, item: BulkPattern, answers: readonly Bindings[], format: AnswerFormat): string {
  const numbering = new FreshNumbering();
  const results = resultAtoms(item, answers).map((a) => formatAtomNumbered(a, numbering));
  if (format === 'text') return '[' + results.join(', ') + ']';
  return JSON.stringify({
    index,
    pattern: formatAtom(item.pattern),
    ...(item.template !== null ? { template: formatAtom(item.template) } : {}),
    line: item.position.line,
    column: item.position.column,
    results,
  });
}
