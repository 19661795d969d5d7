// Bulk queries: what a pattern of a patterns file is, and how its answers print. The pieces behind
// `metta query` (src/cli/query.ts), usable from the library:
//
// - `PatternReader` reads a patterns file a batch at a time: each top-level item is one pattern —
//   a bare atom `P` (or `!P`), whose results are P instantiated by each match, or a form
//   `!(match &self P T)`, whose results are the template T instantiated (not evaluated: the bulk
//   path answers space queries, it does not run the interpreter);
// - `formatAnswer` prints one pattern's answers as a line of text (`[r1, r2, ...]`, as `metta run`
//   prints a `!` form) or as one JSON object.
//
// The batches themselves are answered by the backends of backends.ts.

import type { Atom } from '../core/index.js';
import { AtomKind, isExpression } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import { MettaSyntaxError, type SourcePosition } from '../core/index.js';
import { Parser, type TokenRegistry } from '../core/index.js';
import { formatAtom, formatAtomNumbered, FreshNumbering } from '../core/index.js';

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
