// Grounded atoms that stand for mutable objects: spaces and states. They compare by identity.

import { type Atom, GroundedAtom, expr, sym } from '../core/index.js';
import { atomEquals, formatAtom } from '../core/index.js';
import { AtomSpace } from '../space/index.js';
import type { Bindings } from '../core/index.js';

export class SpaceAtom extends GroundedAtom {
  /** Use `spaceAtomOf(space)` for an existing space, so that one space has one atom. */
  constructor(readonly space: AtomSpace = new AtomSpace()) {
    super();
    spaceAtoms.set(space, this);
  }
  typeAtom(): Atom {
    return sym('SpaceType');
  }
  print(): string {
    return `GroundingSpace-${this.space.serial}`;
  }
  internKey(): null {
    return null;
  }
}

/** States being printed right now (cycle guard). */
const printing = new Set<StateAtom>();

export class StateAtom extends GroundedAtom {
  constructor(
    public value: Atom,
    /** The type of the value when the state was created, for `(StateMonad T)`. */
    readonly valueType: Atom,
  ) {
    super();
  }
  typeAtom(): Atom {
    return expr([sym('StateMonad'), this.valueType]);
  }
  print(): string {
    // A state can hold itself (`(change-state! &s (box &s))`): the inner occurrence prints as
    // `(State ...)` instead of recursing forever.
    if (printing.has(this)) return '(State ...)';
    printing.add(this);
    try {
      return `(State ${formatAtom(this.value)})`;
    } finally {
      printing.delete(this);
    }
  }
  internKey(): null {
    return null;
  }
  /**
   * Two states are equal when their current values are (the reference's StateAtom compares the
   * atoms its `Rc<RefCell<Atom>>` holds), as assertions and `unify` compare them. Matching a
   * pattern against a space still tells state objects apart (docs/semantics.md).
   */
  override equals(other: GroundedAtom): boolean {
    if (this === other) return true;
    if (!(other instanceof StateAtom)) return false;
    // A state that holds itself (through its value) compares as equal to the same cycle once.
    const key = this.value;
    if (comparing.has(this)) return true;
    comparing.add(this);
    try {
      return atomEquals(key, other.value);
    } finally {
      comparing.delete(this);
    }
  }
}

/** States being compared (cycles through their values end the comparison). */
const comparing = new Set<StateAtom>();

const spaceAtoms = new WeakMap<AtomSpace, SpaceAtom>();

/** The one grounded atom standing for `space` (created on first use). */
export function spaceAtomOf(space: AtomSpace): SpaceAtom {
  let atom = spaceAtoms.get(space);
  if (atom === undefined) {
    atom = new SpaceAtom(space);
    spaceAtoms.set(space, atom);
  }
  return atom;
}

/** Bindings as a value, for `collapse-bind` / `superpose-bind`; prints like the reference. */
export class BindingsAtom extends GroundedAtom {
  constructor(readonly bindings: Bindings) {
    super();
  }
  typeAtom(): Atom {
    return sym('Bindings');
  }
  print(): string {
    const parts = this.bindings.resolvedEntries().map(([name, value]) => `$${name} <- ${formatAtom(value)}`);
    return parts.length === 0 ? '{ }' : `{ ${parts.join(', ')} }`;
  }
  internKey(): null {
    return null;
  }
}
