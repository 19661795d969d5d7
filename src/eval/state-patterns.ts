// States in a `match` pattern compared by value. The reference's StateAtom is equal to another
// whose current value is equal (its `Rc<RefCell<Atom>>`'s content), and its space compares a
// pattern's grounded atoms with the stored ones by that equality; this engine's space files a
// state by identity (its value changes in place, so it has no key by content). `match` therefore
// asks with each state of its pattern replaced by a fresh variable and keeps the answers whose
// atom there unifies with the state — equal values, or a stored variable, which it then binds —
// in the order the space gave them.

import { type Atom, AtomKind, type Bindings, expr, freshVariable, unify, type VariableAtom } from '../core/index.js';
import { StateAtom } from './objects.js';

export interface StateHoles {
  /** The pattern with a fresh variable in place of each state. */
  readonly pattern: Atom;
  readonly holes: readonly (readonly [VariableAtom, StateAtom])[];
}

/** Whether `atom` holds a state anywhere (iterative: a pattern may be any depth). */
export function mentionsState(atom: Atom): boolean {
  if (atom.kind !== AtomKind.Expression) return atom instanceof StateAtom;
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a instanceof StateAtom) return true;
    if (a.kind === AtomKind.Expression) for (const c of a.children) if (c.kind === AtomKind.Expression || c instanceof StateAtom) stack.push(c);
  }
  return false;
}

/** `pattern` with its states replaced by fresh variables; null when it holds none. */
export function withStateHoles(pattern: Atom): StateHoles | null {
  if (!mentionsState(pattern)) return null;
  const holes: [VariableAtom, StateAtom][] = [];
  const hole = (s: StateAtom): VariableAtom => {
    const v = freshVariable('state');
    holes.push([v, s]);
    return v;
  };
  if (pattern instanceof StateAtom) return { pattern: hole(pattern), holes };
  // One post-order walk: each expression's children first, left to right (holes in reading
  // order); an expression none of whose children changed is kept as it is.
  const open: Atom[] = [pattern];
  const next: number[] = [0];
  const built: Atom[][] = [[]];
  for (;;) {
    const top = open.length - 1;
    const e = open[top]!;
    const i = next[top]!;
    if (e.kind === AtomKind.Expression && i < e.children.length) {
      next[top] = i + 1;
      const c = e.children[i]!;
      if (c.kind === AtomKind.Expression && c.children.length > 0) {
        open.push(c);
        next.push(0);
        built.push([]);
      } else built[top]!.push(c instanceof StateAtom ? hole(c) : c);
      continue;
    }
    open.pop();
    next.pop();
    const children = built.pop()!;
    const same = e.kind === AtomKind.Expression && children.every((c, k) => c === e.children[k]);
    const atom = same ? e : expr(children);
    if (open.length === 0) return { pattern: atom, holes };
    built[built.length - 1]!.push(atom);
  }
}

/** The answer with each hole unified with its state; null when one does not (another value there). */
export function fillStateHoles(answer: Bindings, holes: StateHoles['holes']): Bindings | null {
  const b = answer.clone();
  for (const [v, s] of holes) if (!unify(v, s, b)) return null;
  return b;
}
