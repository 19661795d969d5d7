// Rebuilding atoms from prefix order (an expression's arity, then its children), the shape of the
// token encoding, the state format and the thread wire format. Iterative: nesting depth is
// unbounded.

import { type Atom, ExpressionAtom } from './atoms.js';

export class PrefixBuilder {
  /** Expressions still open: the children collected so far and how many are expected. */
  private readonly frames: { children: Atom[]; arity: number }[] = [];

  /** Starts an expression of `arity` (> 0) children. */
  open(arity: number): void {
    this.frames.push({ children: [], arity });
  }

  /**
   * Hands in a finished atom; closes every expression it completes. Returns the whole atom once
   * the outermost one is complete, null while something is still open.
   */
  add(atom: Atom): Atom | null {
    let done = atom;
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (frame === undefined) return done;
      frame.children.push(done);
      if (frame.children.length < frame.arity) return null;
      this.frames.pop();
      done = new ExpressionAtom(frame.children);
    }
  }
}
