// Parallel nondeterminism (seed document, future enhancements 1 and 5): one `!` form whose
// evaluation fans out into independent alternatives — several rules matching one call, a
// `superpose` of heavy expressions — has them evaluated on the worker pool.
//
// The machine offers the alternatives of shallow calls as a `fanout` request. The first
// alternative is evaluated here and timed; the rest go to the front of the pool's queue only when
// a thread is ready, that time times the alternatives left exceeds the inline budget, and they can
// travel (plain values; no spaces or states inside). Threads take them from the front; this thread
// takes them from the back (the last one no thread started), so neither waits on work nobody runs.
// Both evaluate speculatively: an alternative that would write is evaluated here, for real, and so
// is every alternative after it (they may observe the write). Results are gathered in alternative
// order (SPEC §4), and fresh variables a thread made are renamed to fresh variables of this
// thread, so none can collide.

import { type Atom, AtomKind, type VariableAtom } from '../core/index.js';
import { type Bindings, instantiate } from '../core/index.js';
import { freshVariable } from '../core/index.js';
import { log } from '../core/index.js';
import type { Environment } from '../eval/index.js';
import { evaluateAlternative, EvaluationStopped, Machine, type PendingQuery, type Result } from '../eval/index.js';
import { speculate, type Speculation } from './speculate.js';
import { NotShippable, readAtom, readBindings, type Wire, writeAtom, writeBindings } from '../core/index.js';
import type { EvalConfig } from './eval-config.js';
import type { EvalPool } from './eval-pool.js';
import { type AlternativeResult, type AlternativeTask, TASK_KINDS, type WorkerSync } from './eval-task.js';

/** Calls this deep or shallower may fan out (deeper alternatives are usually too small to ship). */
const FAN_OUT_DEPTH = 6;

export interface FanOutContext {
  readonly env: Environment;
  readonly pool: EvalPool;
  readonly config: EvalConfig;
  readonly interruptFlag: Int32Array;
  /** The environment's bytes for the workers, serialized again only when it changed. */
  sync(): WorkerSync;
  /** Atoms a pool use would copy now (0 while the workers' copy is current). */
  staleAtoms(): number;
  readonly stats: { fanOuts: number; shipped: number; handedBack: number };
}

/** The results of `!atom` as `evaluateTopLevel` gives them, with wide alternatives on the pool. */
export async function evaluateFannedOut(ctx: FanOutContext, atom: Atom): Promise<Atom[]> {
  const m = new Machine(ctx.env, atom);
  m.fanOutDepth = FAN_OUT_DEPTH;
  // Rule lookups are answered at once (as the loop below would), which lets deeper calls run compiled.
  m.rulesInline = true;
  for (let q = m.run(); q !== null; q = m.run()) {
    if (q.kind === 'match') m.answer(ctx.env.querySync(q.space, q.pattern));
    else if (q.kind === 'rules') m.answerRules(ctx.env.rulesSync(q.space, q.call));
    else m.answerFanOut(await alternatives(ctx, q));
  }
  return m.results.map((r) => (r.bindings.size > 0 ? r.bindings.resolve(r.atom) : r.atom));
}

async function alternatives(ctx: FanOutContext, q: Extract<PendingQuery, { kind: 'fanout' }>): Promise<Result[][]> {
  const { env } = ctx;
  const here = (alt: Result): Result[] => evaluateAlternative(env, q, alt);
  const out: Result[][] = [];
  const t0 = performance.now();
  out.push(here(q.alternatives[0]!));
  const firstMs = performance.now() - t0;
  const rest = q.alternatives.slice(1);
  const wires = ctx.pool.ready && firstMs * rest.length > ctx.pool.worthMs(ctx.staleAtoms()) && q.space === env.self.space && !q.calls ? shippable(rest, q.type) : null;
  if (wires === null) {
    for (const alt of rest) out.push(here(alt));
    return out;
  }
  log('debug', `fan-out: ${rest.length} alternatives to the pool (the first took ${firstMs.toFixed(1)} ms here)`);
  let synced;
  try {
    synced = ctx.sync();
  } catch (e) {
    // An environment workers cannot have (an open file handle): everything stays here.
    log('debug', `fan-out stays here: ${e instanceof Error ? e.message : String(e)}`);
    for (const alt of rest) out.push(here(alt));
    return out;
  }
  const sync = synced;
  ctx.stats.fanOuts++;
  ctx.stats.shipped += rest.length;
  const remainingMs = env.settings.deadline === null ? null : Math.max(0, env.settings.deadline - performance.now());
  const pool = ctx.pool.pool;
  const results: (AlternativeResult | Speculation<Result[]> | null)[] = rest.map(() => null);
  const tasks = wires.map((wire, k) => {
    const task: AlternativeTask = {
      sync,
      wire,
      depth: q.depth,
      maxSteps: env.settings.maxSteps,
      remainingMs,
      interruptFlag: ctx.interruptFlag,
    };
    // First in line: this form waits for them.
    const pooled = pool.submit<AlternativeResult>(TASK_KINDS.alternative, task, { urgent: true });
    // A failed thread: the alternative is evaluated here (a fault never changes a result).
    pooled.result.then(
      (r) => (results[k] ??= r),
      (e: unknown) => (results[k] ??= { kind: 'aborted' as const, reason: `worker failed: ${String(e)}`, ms: 0 }),
    );
    return pooled;
  });
  const cancel = (from: number): void => {
    for (let j = from; j < tasks.length; j++) pool.steal(tasks[j]!);
  };
  let back = rest.length - 1;
  let polled = false;
  for (let k = 0; k < rest.length; k++) {
    while (results[k] === null) {
      // This thread takes the last alternative no thread started, and evaluates it as a thread would.
      while (back > k && results[back] !== null) back--;
      let j = back;
      while (j >= k && (results[j] !== null || !pool.steal(tasks[j]!))) j--;
      if (j < k) {
        // Nothing left to take: let the replies in once; if k is still out, evaluate it here too
        // rather than wait for its thread (the first result in is kept; both are the same).
        if (!polled) {
          polled = true;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        j = k;
      }
      polled = false;
      results[j] = speculate(env, () => here(rest[j]!));
    }
    const result = results[k]!;
    if (result.kind === 'stopped') {
      cancel(k + 1);
      throw new EvaluationStopped(result.reason);
    }
    if (result.kind === 'aborted') {
      log('debug', `fan-out: alternative ${k + 2} ${result.reason}: it and the rest run here`);
      ctx.stats.handedBack += rest.length - k;
      cancel(k + 1);
      for (let j = k; j < rest.length; j++) out.push(here(rest[j]!));
      return out;
    }
    for (const t of result.captured) {
      if (t.kind === 'stdout') env.output.stdout(t.text);
      else env.output.stderr(t.text);
    }
    out.push('wire' in result ? readResults(result.wire, rest[k]!) : result.value);
  }
  return out;
}

/** The alternatives as wire messages, or null when one holds a value that cannot travel. */
function shippable(alternatives: readonly Result[], type: Atom): Wire[] | null {
  try {
    return alternatives.map((alt) => {
      const wire: Wire = [];
      writeAtom(alt.atom, wire);
      writeBindings(alt.bindings, wire);
      writeAtom(type, wire);
      return wire;
    });
  } catch (e) {
    if (e instanceof NotShippable) return null;
    throw e;
  }
}

/**
 * A worker's results for one alternative. Variables the worker made (absent from what it was
 * sent) get fresh names of this thread: its renaming counter is its own.
 */
function readResults(wire: Wire, sent: Result): Result[] {
  const known = new Set<string>();
  collectVariables(sent.atom, known);
  for (const [name, value] of sent.bindings.entries()) {
    known.add(name);
    collectVariables(value, known);
  }
  const renamed = new Map<string, VariableAtom>();
  const rename = (v: VariableAtom): Atom | undefined => {
    if (known.has(v.name)) return undefined;
    let fresh = renamed.get(v.name);
    if (fresh === undefined) {
      fresh = freshVariable(v.name);
      renamed.set(v.name, fresh);
    }
    return fresh;
  };
  const at = { i: 0 };
  const n = wire[at.i++] as number;
  const results: Result[] = [];
  for (let k = 0; k < n; k++) {
    const atom = instantiate(readAtom(wire, at), rename);
    const bindings = renameBindings(readBindings(wire, at), rename);
    results.push({ atom, bindings });
  }
  return results;
}

function renameBindings(bindings: Bindings, rename: (v: VariableAtom) => Atom | undefined): Bindings {
  const map = new Map<string, Atom>();
  for (const [name, value] of bindings.entries()) {
    const key = rename({ kind: AtomKind.Variable, name } as VariableAtom);
    map.set(key === undefined ? name : (key as VariableAtom).name, instantiate(value, rename));
  }
  return new (bindings.constructor as new (m: Map<string, Atom>) => Bindings)(map);
}

function collectVariables(atom: Atom, into: Set<string>): void {
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind === AtomKind.Variable) into.add(a.name);
    else if (a.kind === AtomKind.Expression) for (const c of a.children) stack.push(c);
  }
}
