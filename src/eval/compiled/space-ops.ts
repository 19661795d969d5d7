// Nodes for the built-ins that read and write spaces: `match`, `add-atom` and `remove-atom`.
//
// A query is answered at once by the environment's query service (the one the interpreter's
// synchronous runner uses); its results are the template filled in per answer, each a normal
// form or the interpreter decides (it would evaluate them further). Writes are queued in the
// tier and made, in order, when the call the interpreter handed over returns: until then nothing
// compiled can see the space differ — a query with writes queued bails, and a write of an atom
// that could be a rule or a type declaration bails too — so a bail can drop them and leave the
// whole call to the interpreter, which makes them itself.

import { type Atom, UNIT } from '../../core/index.js';
import type { Builtin } from '../builtin.js';
import { SpaceAtom } from '../objects.js';
import type { AtomSpace } from '../../space/index.js';
import { asVals, bail, isMany, Node, NO_VALS, type Runtime, type Vals } from './nodes.js';

/** The space a space argument (a constant or a variable's value) names; Bail for anything else (the interpreter reports it). */
function spaceOf(v: Vals): AtomSpace {
  if (isMany(v) || !(v instanceof SpaceAtom)) bail('a space argument that is not a space');
  return v.space;
}

/** `(match space pattern template)`: the template per answer, in the query's order. */
export class MatchNode extends Node {
  constructor(
    private readonly space: Node,
    /** The pattern as written, the rule's variables filled in; its own variables stay. */
    private readonly pattern: Node,
    private readonly template: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const space = spaceOf(this.space.eval(frame));
    const out = this.rt.matchNow(space, this.pattern.eval(frame) as Atom, this.template.eval(frame) as Atom);
    if (out.length === 0) return NO_VALS;
    for (let i = 0; i < out.length; i++) if (!this.rt.isNormal(out[i]!)) bail('a match result that is not a ground normal form');
    return asVals(out);
  }
}

/** `(add-atom space atom)`, `(remove-atom space atom)`: the write queued, `()` at once. */
export class SpaceWriteNode extends Node {
  constructor(
    private readonly op: Builtin,
    private readonly space: Node,
    /** The atom as written, the rule's variables filled in (it has no others). */
    private readonly atom: Node,
    private readonly remove: boolean,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const space = spaceOf(this.space.eval(frame));
    this.rt.queueWrite(this.op, space, this.atom.eval(frame) as Atom, this.remove);
    return UNIT;
  }
}
