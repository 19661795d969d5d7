// A thread of `metta query --workers N` (query-pool.ts): answers slices of a batch against a
// read-only replica of the parent's space (shared memory, no copy) and returns the printed lines.

import { parentPort, workerData } from 'node:worker_threads';
import { formatAnswer, type BulkPattern } from '../api/bulk-query.js';
import { queryBatch } from '../cpu/index.js';
import { readAtom } from '../runner/atom-wire.js';
import { AtomSpace } from '../space/atom-space.js';
import type { QueryWorkerData, QueryWorkerReply, QueryWorkerRequest } from './query-pool.js';

const { space: shared } = workerData as QueryWorkerData;
const view = AtomSpace.replica(shared).view();

parentPort!.on('message', (req: QueryWorkerRequest) => {
  let reply: QueryWorkerReply;
  try {
    const at = { i: 0 };
    const patterns: BulkPattern[] = req.hasTemplate.map((hasTemplate, k) => {
      const pattern = readAtom(req.wire, at);
      const template = hasTemplate ? readAtom(req.wire, at) : null;
      const position = { file: req.positions[k * 3] as string, line: req.positions[k * 3 + 1] as number, column: req.positions[k * 3 + 2] as number };
      return { pattern, template, position };
    });
    const answers = queryBatch(view, patterns.map((p) => p.pattern));
    reply = { ok: true, lines: patterns.map((p, k) => formatAnswer(req.first + k, p, answers[k]!, req.format)) };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
