// What a pool thread does with evaluation tasks (served by pool-worker.ts): evaluates one `!` form,
// or one alternative of a fan-out, speculatively against its copy of the environment.
//
// The copy is rebuilt whenever the main thread's epoch moves: `&self` over the parent's trie and
// store arrays in shared memory (zero-copy; symbol and value ids are shared, see core/symbols.ts),
// the rest of the environment from serialized bytes (also in shared memory: a task carries
// references, not copies). Evaluation is
// speculative: the first built-in that would write (effects.ts) stops it and the form is handed
// back to run on the main thread, so the copy never changes and never drifts from the original.
// `println!`/`trace!` text is captured and returned with the results, to be printed in order.

import { MettaSyntaxError } from '../core/index.js';
import { Parser } from '../core/index.js';
import { formatResults } from '../core/index.js';
import type { Environment } from '../eval/index.js';
import { evaluateNow, evaluateTopLevel, EvaluationStopped, isError, SpeculationAborted } from '../eval/index.js';
import { NotShippable, readAtom, readBindings, type Wire, writeAtom, writeBindings } from '../core/index.js';
import { deserializeForWorker } from './serialize.js';
import { routeStateOutput } from './state.js';
import { AtomSpace, UnknownGroundedObject } from '../space/index.js';
import { SpaceAtom } from '../eval/index.js';
import type { AlternativeResult, AlternativeTask, CapturedText, EvalTask, EvalTaskResult, SelfMeta } from './eval-task.js';

let replica: { epoch: string; env: Environment; captured: CapturedText[] } | null = null;

const decoder = new TextDecoder();

/** This worker's copy of the environment for the task's epoch (rebuilt when the epoch moves). */
function replicaFor(task: EvalTask | AlternativeTask): { env: Environment; captured: CapturedText[] } {
  const sync = task.sync;
  if (replica === null || replica.epoch !== sync.epoch) {
    const meta = JSON.parse(decoder.decode(new Uint8Array(sync.meta, 0, sync.metaLength))) as SelfMeta;
    const self = new SpaceAtom(
      AtomSpace.replica({
        trie: { tok: sync.trieTok, childStart: sync.trieChildStart, nodeCount: meta.nodeCount, atomCount: meta.atomCount, byteLength: meta.trieBytes },
        recent: meta.recent,
        store: {
          tokens: sync.storeTokens,
          offsets: sync.storeOffsets,
          alive: sync.storeAlive,
          idCount: meta.idCount,
          liveCount: meta.liveCount,
          tokenCount: meta.tokenCount,
          names: meta.names,
        },
        serial: meta.serial,
        version: meta.version,
      }),
    );
    const env = deserializeForWorker(new Uint8Array(sync.environment, 0, sync.environmentLength), meta.tokenIds, self);
    const captured: CapturedText[] = [];
    routeStateOutput(env, (r) => {
      if (r.kind === 'stdout' || r.kind === 'stderr') captured.push(r);
    });
    env.speculative = true;
    replica = { epoch: sync.epoch, env, captured };
  }
  return replica;
}

/** The copy for the task's epoch, with the task's limits and interrupt flag, output capture emptied. */
function prepare(task: EvalTask | AlternativeTask): { env: Environment; captured: CapturedText[] } {
  const copy = replicaFor(task);
  copy.env.shareInterruptFlag(task.interruptFlag);
  copy.captured.length = 0;
  copy.env.settings.maxSteps = task.maxSteps;
  copy.env.settings.deadline = task.remainingMs === null ? null : performance.now() + task.remainingMs;
  return copy;
}

/** Why a form goes back to the calling thread when it reads a state or space stored in `&self` (space/encoding.ts). */
const STORED_OBJECT = 'it read a state or space stored in &self, which this thread has no copy of';

export function evaluate(task: EvalTask): EvalTaskResult {
  if (task.inject === 'throw') throw new Error('injected fault: the worker threw');
  if (task.inject === 'crash') process.exit(3);
  const started = performance.now();
  const { env, captured } = prepare(task);
  let item;
  try {
    item = new Parser(task.source, task.file, env.tokens).next();
  } catch (e) {
    // The main thread parsed this text already; tokens can only differ if the copy is stale.
    if (e instanceof MettaSyntaxError) return { kind: 'aborted', reason: `could not re-read the form: ${e.message}`, ms: performance.now() - started };
    throw e;
  }
  if (item === null || !item.exec) return { kind: 'aborted', reason: 'the form did not re-read as a ! form', ms: performance.now() - started };
  try {
    const results = evaluateTopLevel(env, item.atom);
    return { kind: 'done', line: formatResults(results), isError: results.some(isError), captured: captured.slice(), ms: performance.now() - started };
  } catch (e) {
    if (e instanceof SpeculationAborted) return { kind: 'aborted', reason: `writes through ${e.builtin}`, ms: performance.now() - started };
    if (e instanceof UnknownGroundedObject) return { kind: 'aborted', reason: STORED_OBJECT, ms: performance.now() - started };
    if (e instanceof EvaluationStopped) return { kind: 'stopped', reason: e.reason, captured: captured.slice(), ms: performance.now() - started };
    throw e;
  }
}

/** One alternative of a fan-out, evaluated on the copy; its results go back as atom-wire. */
export function evaluateAlternative(task: AlternativeTask): AlternativeResult {
  const started = performance.now();
  const { env, captured } = prepare(task);
  const at = { i: 0 };
  const atom = readAtom(task.wire, at);
  const bindings = readBindings(task.wire, at);
  const type = readAtom(task.wire, at);
  try {
    const results = evaluateNow(env, atom, type, bindings, env.self.space, task.depth);
    const wire: Wire = [results.length];
    for (const r of results) {
      writeAtom(r.atom, wire);
      writeBindings(r.bindings, wire);
    }
    return { kind: 'done', wire, captured: captured.slice(), ms: performance.now() - started };
  } catch (e) {
    if (e instanceof SpeculationAborted) return { kind: 'aborted', reason: `writes through ${e.builtin}`, ms: performance.now() - started };
    if (e instanceof NotShippable) return { kind: 'aborted', reason: e.message, ms: performance.now() - started };
    if (e instanceof UnknownGroundedObject) return { kind: 'aborted', reason: STORED_OBJECT, ms: performance.now() - started };
    if (e instanceof EvaluationStopped) return { kind: 'stopped', reason: e.reason, captured: captured.slice(), ms: performance.now() - started };
    throw e;
  }
}

