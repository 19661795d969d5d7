// The worker threads of `metta query --workers N`: each batch is cut into N contiguous slices, one
// per thread, and the printed lines come back and are joined in pattern order. The space is not
// copied: the workers read the frozen trie and the store's arrays in place (`AtomSpace.share` /
// `AtomSpace.replica`), and symbol and grounded-value ids come from the intern tables in shared
// memory (core/symbols.ts), as for the evaluation pool (docs/architecture.md, "The parallel
// runner"). Patterns travel as flat arrays (runner/atom-wire.ts). A batch holding something that
// cannot leave this thread (a pattern with a space or state in it), or a slice a worker could not
// answer, is answered here instead: the output never depends on where a batch ran.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type SharedTables, symbolTableHandles } from '../core/symbols.js';
import type { AnswerFormat, BulkPattern } from '../api/bulk-query.js';
import { NotShippable, type Wire, writeAtom } from '../runner/atom-wire.js';
import type { AtomSpace, SharedSpace, SpaceSnapshot } from '../space/atom-space.js';
import { groundedTable } from '../space/encoding.js';
import type { QueryPool } from './query.js';

export interface QueryWorkerData {
  readonly mettaTables: SharedTables;
  readonly space: SharedSpace;
}

export interface QueryWorkerRequest {
  readonly first: number;
  readonly format: AnswerFormat;
  /** Per pattern: the pattern, then the template or nothing (see `hasTemplate`). */
  readonly wire: Wire;
  readonly hasTemplate: readonly boolean[];
  readonly positions: readonly (string | number)[];
}

export type QueryWorkerReply = { readonly ok: true; readonly lines: string[] } | { readonly ok: false; readonly message: string };

function workerScript(): string | null {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith('.ts') ? new URL('../../dist/src/cli/query-worker.js', import.meta.url) : new URL('./query-worker.js', import.meta.url);
  const path = fileURLToPath(candidate);
  return existsSync(path) ? path : null;
}

interface Slot {
  readonly worker: Worker;
  pending: ((reply: QueryWorkerReply) => void) | null;
}

export class QueryWorkerPool implements QueryPool {
  batches = 0;
  private constructor(private readonly slots: Slot[]) {}

  /** N threads over `space` (already frozen: `view` is its snapshot); null when the worker is not built. */
  static open(workers: number, space: AtomSpace, _view: SpaceSnapshot): QueryWorkerPool | null {
    const script = workerScript();
    if (script === null) return null;
    const data: QueryWorkerData = { mettaTables: { symbols: symbolTableHandles(), grounded: groundedTable.handles() }, space: space.share() };
    const slots: Slot[] = [];
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(script, { workerData: data });
      const slot: Slot = { worker, pending: null };
      const fail = (message: string): void => {
        const p = slot.pending;
        slot.pending = null;
        p?.({ ok: false, message });
      };
      worker.on('message', (reply: QueryWorkerReply) => {
        const p = slot.pending;
        slot.pending = null;
        p?.(reply);
      });
      worker.on('error', (e) => fail(e.message));
      worker.on('exit', () => fail('the worker exited'));
      slots.push(slot);
    }
    return new QueryWorkerPool(slots);
  }

  async answer(patterns: readonly BulkPattern[], firstIndex: number, format: AnswerFormat): Promise<string[] | null> {
    const n = Math.min(this.slots.length, patterns.length);
    const per = Math.ceil(patterns.length / n);
    const requests: QueryWorkerRequest[] = [];
    try {
      for (let s = 0; s < n; s++) {
        const slice = patterns.slice(s * per, (s + 1) * per);
        const wire: Wire = [];
        const positions: (string | number)[] = [];
        for (const p of slice) {
          writeAtom(p.pattern, wire);
          if (p.template !== null) writeAtom(p.template, wire);
          positions.push(p.position.file, p.position.line, p.position.column);
        }
        requests.push({ first: firstIndex + s * per, format, wire, hasTemplate: slice.map((p) => p.template !== null), positions });
      }
    } catch (e) {
      if (e instanceof NotShippable) return null;
      throw e;
    }
    const replies = await Promise.all(
      requests.map(
        (req, s) =>
          new Promise<QueryWorkerReply>((resolve) => {
            const slot = this.slots[s]!;
            slot.pending = resolve;
            slot.worker.postMessage(req);
          }),
      ),
    );
    if (replies.some((r) => !r.ok)) return null;
    this.batches++;
    return replies.flatMap((r) => (r as { lines: string[] }).lines);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
