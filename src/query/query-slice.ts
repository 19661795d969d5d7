// One slice of a `metta query` batch (query-pool.ts): patterns as flat arrays (atom-wire)
// answered against a read-only replica of the owner's space (shared memory, no copy), returned as
// the printed lines. The same function answers a slice on a pool thread and on the owning thread.

import { NotShippable, readAtom, type Wire, writeAtom } from '../core/index.js';
import { queryBatch } from '../cpu/index.js';
import { AtomSpace, type SharedSpace, type SpaceView } from '../space/index.js';
import { type AnswerFormat, type BulkPattern, formatAnswer } from './bulk.js';

/** The pool task kind of a slice (runner/pool-worker.ts serves it). */
export const QUERY_SLICE_TASK = 'querySlice';

export interface QuerySliceTask {
  /** Names the space (the thread keeps one replica per key). */
  readonly spaceKey: string;
  readonly space: SharedSpace;
  readonly first: number;
  readonly format: AnswerFormat;
  /** Per pattern: the pattern, then the template or nothing (see `hasTemplate`). */
  readonly wire: Wire;
  readonly hasTemplate: readonly boolean[];
  readonly positions: readonly (string | number)[];
}

/** The slice as a task; throws NotShippable when a pattern holds something that cannot travel. */
export function querySliceTask(spaceKey: string, space: SharedSpace, patterns: readonly BulkPattern[], first: number, format: AnswerFormat): QuerySliceTask {
  const wire: Wire = [];
  const positions: (string | number)[] = [];
  for (const p of patterns) {
    writeAtom(p.pattern, wire);
    if (p.template !== null) writeAtom(p.template, wire);
    positions.push(p.position.file, p.position.line, p.position.column);
  }
  return { spaceKey, space, first, format, wire, hasTemplate: patterns.map((p) => p.template !== null), positions };
}

export { NotShippable };

/** The printed lines of `patterns` (numbered from `first`) against `view`. */
export function answerPatterns(view: SpaceView, patterns: readonly BulkPattern[], first: number, format: AnswerFormat): string[] {
  const answers = queryBatch(view, patterns.map((p) => p.pattern));
  return patterns.map((p, k) => formatAnswer(first + k, p, answers[k]!, format));
}

let replica: { key: string; view: SpaceView } | null = null;

/** The pool thread's handler. */
export function answerSlice(task: QuerySliceTask): string[] {
  if (replica === null || replica.key !== task.spaceKey) replica = { key: task.spaceKey, view: AtomSpace.replica(task.space).view() };
  const view = replica.view;
  const at = { i: 0 };
  const patterns: BulkPattern[] = task.hasTemplate.map((hasTemplate, k) => {
    const pattern = readAtom(task.wire, at);
    const template = hasTemplate ? readAtom(task.wire, at) : null;
    const position = { file: task.positions[k * 3] as string, line: task.positions[k * 3 + 1] as number, column: task.positions[k * 3 + 2] as number };
    return { pattern, template, position };
  });
  return answerPatterns(view, patterns, task.first, task.format);
}
