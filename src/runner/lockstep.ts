// Batched evaluation (seed document, "Batch Evaluation"): the `!` forms of a top-level batch are
// evaluated together, one machine per form and one per branch of their nondeterministic calls
// (the machine's `fanout` requests), stepped in lockstep. Each step runs every machine until it
// waits on a space query (a `match` pattern or a rule lookup); the queries of all of them go to
// the answerer as one batch — the scheduler then picks the CPU or the GPU for it — and each
// machine gets its answer and runs on. Large programs over large spaces so reach the GPU with
// batches as wide as the program's parallelism, without the user asking.
//
// Results are the sequential run's: a branch's results go back to its parent in alternative
// order (SPEC §4), and `println!`/`trace!` text is captured per branch and stitched in that order.
// Evaluation is speculative (effects.ts): a form that would write stops, and so do the forms after
// it — the caller runs the writer for real, in order, and reads what follows again. A form stopped
// by a limit (`--max-steps`, `--timeout`, an interrupt) ends the batch at that form, as it would
// have ended the sequential run.

import type { Atom } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import type { RuleAnswer } from '../cpu/index.js';
import type { Environment, OutputSink } from '../eval/index.js';
import { alternativeMachine, EvaluationStopped, Machine, type PendingQuery, type Result, SpeculationAborted } from '../eval/index.js';
import type { BatchAnswerer, SpaceQuery } from './batch-answerer.js';

export interface CapturedText {
  readonly kind: 'stdout' | 'stderr';
  readonly text: string;
}

export type FormOutcome =
  | { readonly kind: 'done'; readonly results: Atom[]; readonly output: readonly CapturedText[] }
  /** The form reached a writing built-in: nothing it did happened; run it for real. */
  | { readonly kind: 'aborted'; readonly reason: string }
  /** A limit stopped it; `output` is what it printed before. */
  | { readonly kind: 'stopped'; readonly reason: string; readonly output: readonly CapturedText[] }
  /** Not evaluated: an earlier form was aborted or stopped. */
  | { readonly kind: 'not-run' };

export interface LockstepOptions {
  /** Calls this deep or shallower split their alternatives into branches; -1: one machine per form. */
  readonly fanOutDepth: number;
  /** Branches running or waiting on a query at once; more wait to start (bounds memory). */
  readonly maxLive: number;
}

export const DEFAULT_LOCKSTEP: LockstepOptions = { fanOutDepth: 24, maxLive: 4096 };

export interface LockstepStats {
  /** Query batches (steps), branches made by fan-outs, and forms handed back as writers. */
  steps: number;
  branches: number;
  aborted: number;
}

/** One machine: a form's root or a branch of a fan-out, with the text it printed. */
class Branch {
  out: CapturedText[] = [];
  query: SpaceQuery | null = null;
  /** While parked on a fan-out: the branches' results and text, by alternative. */
  childResults: Result[][] | null = null;
  childOut: CapturedText[][] | null = null;
  waitingOn = 0;

  constructor(
    readonly machine: Machine,
    readonly form: number,
    readonly parent: Branch | null,
    readonly slot: number,
  ) {}
}

interface BranchStart {
  readonly parent: Branch;
  readonly slot: number;
  readonly alternative: Result;
  readonly request: Extract<PendingQuery, { kind: 'fanout' }>;
}

/** Text written by the machine being stepped goes to its branch's buffer. */
class RoutedOutput implements OutputSink {
  target: CapturedText[] = [];
  stdout(text: string): void {
    this.target.push({ kind: 'stdout', text });
  }
  stderr(text: string): void {
    this.target.push({ kind: 'stderr', text });
  }
}

/** Evaluates `atoms` (top-level `!` forms, in source order) in lockstep; one outcome per form. */
export function evaluateInLockstep(
  env: Environment,
  atoms: readonly Atom[],
  answerer: BatchAnswerer,
  options: LockstepOptions = DEFAULT_LOCKSTEP,
  stats: LockstepStats = { steps: 0, branches: 0, aborted: 0 },
): FormOutcome[] {
  const outcomes: FormOutcome[] = atoms.map(() => ({ kind: 'not-run' }));
  // A step limit counts one machine's steps: branches would split the count.
  const fanOutDepth = env.settings.maxSteps !== null ? -1 : options.fanOutDepth;
  const machine = (atom: Atom): Machine => {
    const m = new Machine(env, atom);
    m.fanOutDepth = fanOutDepth;
    return m;
  };
  /** Forms from here on are not evaluated further (the first aborted or stopped form). */
  let cutoff = atoms.length;
  let runnable: Branch[] = atoms.map((atom, i) => new Branch(machine(atom), i, null, -1)).reverse();
  const starts: BranchStart[] = [];
  let live = runnable.length;
  let waiting: Branch[] = [];

  const inlineAlone = answerer.loneQueriesOnCpu();
  const router = new RoutedOutput();
  const end = (form: number, outcome: FormOutcome): void => {
    if (form >= cutoff) return;
    cutoff = form;
    outcomes[form] = outcome;
  };
  /** A branch threw: a writer was reached (the form is handed back) or a limit stopped it. */
  const stopped = (b: Branch, e: unknown): void => {
    if (e instanceof SpeculationAborted) {
      stats.aborted++;
      end(b.form, { kind: 'aborted', reason: e.message });
    } else if (e instanceof EvaluationStopped) end(b.form, { kind: 'stopped', reason: e.reason, output: rootOutput(b) });
    else throw e;
  };
  const finished = (b: Branch): void => {
    live--;
    const results = b.machine.results;
    const parent = b.parent;
    if (parent === null) {
      outcomes[b.form] = { kind: 'done', results: results.map((r) => (r.bindings.size > 0 ? r.bindings.resolve(r.atom) : r.atom)), output: b.out };
      return;
    }
    parent.childResults![b.slot] = results;
    parent.childOut![b.slot] = b.out;
    if (--parent.waitingOn > 0) return;
    for (const texts of parent.childOut!) for (const t of texts) parent.out.push(t);
    const all = parent.childResults!;
    parent.childResults = null;
    parent.childOut = null;
    router.target = parent.out;
    parent.machine.answerFanOut(all);
    live++;
    runnable.push(parent);
  };

  const realOutput = env.output;
  const wasSpeculative = env.speculative;
  env.output = router;
  env.speculative = true;
  try {
    for (;;) {
      for (;;) {
        let b = runnable.pop();
        if (b === undefined) {
          // Branches start while there is room, or when nothing else could run.
          const start = starts.length > 0 && (live < options.maxLive || waiting.length === 0) ? starts.pop()! : undefined;
          if (start === undefined) break;
          if (start.parent.form >= cutoff) continue;
          const m = alternativeMachine(env, start.request, start.alternative);
          m.fanOutDepth = fanOutDepth;
          b = new Branch(m, start.parent.form, start.parent, start.slot);
          stats.branches++;
          live++;
        }
        if (b.form >= cutoff) {
          live--;
          continue;
        }
        router.target = b.out;
        // Alone, a machine has nobody to batch its rule lookups with: it looks them up inline
        // (until a fan-out parks it) unless even a lone query goes to the GPU.
        b.machine.rulesInline = inlineAlone && live === 1 && waiting.length === 0 && starts.length === 0;
        let q: PendingQuery | null;
        try {
          q = b.machine.run();
        } catch (e) {
          live--;
          stopped(b, e);
          continue;
        }
        if (q === null) finished(b);
        else if (q.kind === 'fanout') {
          live--;
          const n = q.alternatives.length;
          b.childResults = new Array<Result[]>(n);
          b.childOut = new Array<CapturedText[]>(n);
          b.waitingOn = n;
          // Pushed last to first, so the first alternative starts first.
          for (let k = n - 1; k >= 0; k--) starts.push({ parent: b, slot: k, alternative: q.alternatives[k]!, request: q });
        } else {
          b.query = q;
          waiting.push(b);
        }
      }
      const asking = waiting.filter((b) => b.form < cutoff);
      live -= waiting.length - asking.length;
      waiting = [];
      if (asking.length === 0) {
        if (starts.some((s) => s.parent.form < cutoff)) continue;
        break;
      }
      stats.steps++;
      const answers = answerer.answer(asking.map((b) => b.query!));
      runnable = [];
      for (let i = asking.length - 1; i >= 0; i--) {
        const b = asking[i]!;
        const q = b.query!;
        b.query = null;
        // A built-in's continuation runs as the answer arrives: it may print, or reach a limit.
        router.target = b.out;
        try {
          if (q.kind === 'match') b.machine.answer(answers[i] as Bindings[]);
          else b.machine.answerRules(answers[i] as RuleAnswer[]);
        } catch (e) {
          live--;
          stopped(b, e);
          continue;
        }
        runnable.push(b);
      }
    }
  } finally {
    env.output = realOutput;
    env.speculative = wasSpeculative;
  }
  return outcomes;
}

/** What a stopped form printed: its root's text (branches still running are cut short). */
function rootOutput(b: Branch): CapturedText[] {
  let root = b;
  while (root.parent !== null) root = root.parent;
  return root.out;
}
