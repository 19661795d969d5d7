// Helpers for built-ins that need several evaluations in a row (map-atom, assertions, ...).
//
// A built-in never evaluates by itself: it returns `{ kind: 'eval', ..., then }` and the
// interpreter calls `then` with the results. The helpers here chain such requests without JavaScript
// recursion per element: each continuation returns the next request, so a 100,000-element list is
// walked by the interpreter's loop, not by the JavaScript stack.

import { type Atom, AtomKind, FloatAtom, IntAtom, VariableAtom } from '../../core/index.js';
import { type Bindings, instantiate, substitute } from '../../core/index.js';
import { alphaEquivalent, atomEquals } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { errorAtom, MettaError, type OpContext, type Outcome, type Result, values } from '../builtin.js';
import { EMPTY } from '../machine.js';
import { UNDEFINED } from '../types.js';

/**
 * Runs `f`, turning a `fail()` inside it into `(Error <call> <message>)`. Continuations (`then`)
 * run outside the interpreter's own try/catch, so every continuation that may fail goes through this.
 */
export function guarded(ctx: OpContext, f: () => Outcome): Outcome {
  try {
    return f();
  } catch (e) {
    if (e instanceof MettaError) return values(ctx, errorAtom(ctx.call, e.payload));
    throw e;
  }
}

/** Results without `Empty` (a branch that produced nothing). */
export function nonEmpty(results: readonly Result[]): Result[] {
  return results.filter((r) => r.atom !== EMPTY);
}

/** Evaluates `atom` (expected type %Undefined%) and hands the resolved result atoms to `then`. */
export function evaluateAll(ctx: OpContext, atom: Atom, bindings: Bindings, then: (atoms: Atom[], results: Result[]) => Outcome): Outcome {
  return {
    kind: 'eval',
    atom,
    type: UNDEFINED,
    bindings,
    then: (results) =>
      guarded(ctx, () => {
        const kept = nonEmpty(results);
        return then(
          kept.map((r) => r.bindings.resolve(r.atom)),
          kept,
        );
      }),
  };
}

/** One step of a branch in `explore`. */
export type Step<S> =
  /** The branch is finished with this result. */
  | { readonly kind: 'done'; readonly atom: Atom }
  /** The branch produces nothing. */
  | { readonly kind: 'drop' }
  /**
   * Evaluate `atom`; every result `v` continues the branch as `next(v)`, with the bindings that
   * result brought — or, when `scoped`, with the branch's bindings from before (the evaluation's
   * own bindings, of variables local to it, end with it).
   */
  | { readonly kind: 'eval'; readonly atom: Atom; readonly type?: Atom; readonly scoped?: boolean; readonly next: (value: Atom) => S };

/**
 * Explores every branch of a computation that evaluates one atom at a time. Branches run depth
 * first, the alternatives of one evaluation in their order, so results come out in lexicographic
 * order of the choices (the earliest choice varies slowest, SPEC §4). Bindings made by one
 * evaluation are visible to the following ones of the same branch.
 */
export function explore<S>(ctx: OpContext, start: S, advance: (state: S) => Step<S>): Outcome {
  const stack: { state: S; bindings: Bindings }[] = [{ state: start, bindings: ctx.bindings }];
  const out: Result[] = [];
  const loop = (): Outcome =>
    guarded(ctx, () => {
      while (stack.length > 0) {
        const { state, bindings } = stack.pop()!;
        const step = advance(state);
        if (step.kind === 'done') {
          out.push({ atom: step.atom, bindings });
          continue;
        }
        if (step.kind === 'drop') continue;
        return {
          kind: 'eval',
          atom: step.atom,
          type: step.type ?? UNDEFINED,
          bindings,
          then: (results: Result[]) =>
            guarded(ctx, () => {
              const kept = nonEmpty(results);
              for (let i = kept.length - 1; i >= 0; i--) {
                const r = kept[i]!;
                stack.push({ state: step.next(r.bindings.resolve(r.atom)), bindings: step.scoped === true ? bindings : r.bindings });
              }
              return loop();
            }),
        };
      }
      return { kind: 'values', results: out };
    });
  return loop();
}

/** An immutable list built by prepending, for accumulating elements without copying. */
export interface Cons<T> {
  readonly head: T;
  readonly tail: Cons<T> | null;
}

export function cons<T>(head: T, tail: Cons<T> | null): Cons<T> {
  return { head, tail };
}

/** The elements of a cons list, oldest first (the list holds them newest first). */
export function consToArray<T>(list: Cons<T> | null): T[] {
  const out: T[] = [];
  for (let c = list; c !== null; c = c.tail) out.push(c.head);
  return out.reverse();
}

/**
 * `template` with every occurrence of the variable `name` replaced by `value`, in one pass: the
 * value is not searched again, so it may itself contain that variable. Iterative (deep templates).
 */
export function replaceVariable(template: Atom, name: string, value: Atom): Atom {
  return instantiate(template, (v) => (v.name === name ? value : undefined));
}

/**
 * A multiset of atoms under an equality (structural or alpha-equivalence), with near-constant
 * lookups: atoms are bucketed by a printed key that equal atoms share (variables renamed
 * canonically for alpha-equivalence), and compared exactly within a bucket.
 */
/** Whether `atom` holds a number anywhere (then AtomBag buckets it by its shape alone). */
function holdsNumber(atom: Atom): boolean {
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a instanceof IntAtom || a instanceof FloatAtom) return true;
    if (a.kind === AtomKind.Expression) for (const c of a.children) stack.push(c);
  }
  return false;
}

/**
 * A bag key that does not tell `25` from `25.0`: every atom holding a number goes to one shared
 * bucket, where the bag compares with atomEquals (a linear scan, only for these; assertion result
 * lists are short).
 */
function numbersByValue(key: string, atom: Atom): string {
  return holdsNumber(atom) ? '#numeric' : key;
}

export class AtomBag {
  private readonly buckets = new Map<string, Atom[]>();

  constructor(private readonly alpha: boolean) {}

  private key(atom: Atom): string {
    // Numbers are bucketed by value alone: an integer and the float of its value are equal atoms.
    if (!this.alpha) return numbersByValue(formatAtom(atom), atom);
    const names = new Map<string, VariableAtom>();
    const canonical = new Set<string>();
    const renamed = substitute(atom, (v) => {
      if (canonical.has(v.name)) return undefined;
      let c = names.get(v.name);
      if (c === undefined) {
        c = new VariableAtom(`#${names.size}`);
        names.set(v.name, c);
        canonical.add(c.name);
      }
      return c;
    });
    return numbersByValue(formatAtom(renamed), atom);
  }

  private equal(a: Atom, b: Atom): boolean {
    return this.alpha ? alphaEquivalent(a, b) : atomEquals(a, b);
  }

  add(atom: Atom): void {
    const k = this.key(atom);
    const bucket = this.buckets.get(k);
    if (bucket === undefined) this.buckets.set(k, [atom]);
    else bucket.push(atom);
  }

  has(atom: Atom): boolean {
    const bucket = this.buckets.get(this.key(atom));
    return bucket !== undefined && bucket.some((b) => this.equal(atom, b));
  }

  /** Removes one atom equal to `atom`; false when there is none. */
  take(atom: Atom): boolean {
    const bucket = this.buckets.get(this.key(atom));
    if (bucket === undefined) return false;
    const i = bucket.findIndex((b) => this.equal(atom, b));
    if (i < 0) return false;
    bucket.splice(i, 1);
    return true;
  }

}
