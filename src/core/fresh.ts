// Fresh variables for renaming apart. A fresh copy of `$x` is `$x#N`: `#` cannot appear in a
// variable the user writes, so fresh names never collide with source names.

import { type Atom, VariableAtom } from './atoms.js';
import { substitute } from './bindings.js';
import { nextFreshNumber } from './fresh-counter.js';

export { advanceFreshCount, freshCount } from './fresh-counter.js';

/** The number of a fresh variable `$x#N`, or -1 for a variable renaming did not make. */
export function freshNumber(name: string): number {
  const hash = name.lastIndexOf('#');
  if (hash < 0 || hash === name.length - 1) return -1;
  const n = Number(name.slice(hash + 1));
  return Number.isInteger(n) ? n : -1;
}

export function freshVariable(base: string): VariableAtom {
  const hash = base.indexOf('#');
  const stem = hash === -1 ? base : base.slice(0, hash);
  return new VariableAtom(`${stem}#${nextFreshNumber()}`);
}

/** `atom` with every variable replaced by a fresh one (the same fresh one for repeats). */
export function renameApart(atom: Atom): Atom {
  const renamed = new Map<string, VariableAtom>();
  const freshNames = new Set<string>();
  return substitute(atom, (v) => {
    // substitute() looks the replacement up again; a fresh variable is final.
    if (freshNames.has(v.name)) return undefined;
    let fresh = renamed.get(v.name);
    if (fresh === undefined) {
      fresh = freshVariable(v.name);
      renamed.set(v.name, fresh);
      freshNames.add(fresh.name);
    }
    return fresh;
  });
}
