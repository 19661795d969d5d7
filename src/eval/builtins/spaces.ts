// Spaces, states, tokens, types and output: match, add-atom, remove-atom, get-atoms, new-space,
// bind!, new-state, get-state, change-state!, get-type, get-type-space, get-metatype, println!,
// trace!.

import { type Atom, isSymbol, renameApart, UNIT } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { StringAtom } from '../../core/index.js';
import { type Builtin, type Result, values } from '../builtin.js';
import { StateAtom } from '../objects.js';
import { fillStateHoles, withStateHoles } from '../state-patterns.js';
import { getTypes, metaType, UNDEFINED } from '../types.js';
import { spaceOf } from './control.js';
import { builtin, fail } from './define.js';

/** Text of an atom as `println!` writes it: strings raw, everything else as printed. */
export function rawText(atom: Atom): string {
  return atom instanceof StringAtom ? atom.value : formatAtom(atom);
}

function stateOf(atom: Atom): StateAtom {
  if (atom instanceof StateAtom) return atom;
  fail(`expected a state, got ${formatAtom(atom)}`);
}

export const spaceBuiltins: Builtin[] = [
  builtin('match', '(-> SpaceType Atom Atom %Undefined%)', ([space, pattern, template], ctx) => {
    // States in the pattern are compared by value (state-patterns.ts).
    const states = withStateHoles(pattern!);
    return {
      kind: 'query',
      space: spaceOf(space!),
      pattern: states === null ? pattern! : states.pattern,
      then: (answers) => {
        const results: Result[] = [];
        for (const found of answers) {
          const answer = states === null ? found : fillStateHoles(found, states.holes);
          if (answer === null) continue;
          const merged = ctx.bindings.merge(answer);
          if (merged !== null) results.push({ atom: answer.resolve(template!), bindings: merged });
        }
        return { kind: 'values', results };
      },
    };
  }),
  builtin('add-atom', '(-> SpaceType Atom (->))', ([space, atom], ctx) => {
    spaceOf(space!).add(atom!);
    return values(ctx, UNIT);
  }),
  builtin('remove-atom', '(-> SpaceType Atom (->))', ([space, atom], ctx) => {
    spaceOf(space!).remove(atom!);
    return values(ctx, UNIT);
  }),
  // Variables renamed apart, as the reference's make_variables_unique does (and as match renames
  // stored variables): a stored `$x` must not be the caller's `$x` (`(let $x (collapse (get-atoms &m)) ...)`).
  builtin('get-atoms', '(-> SpaceType Atom)', ([space], ctx) => values(ctx, ...spaceOf(space!).atoms().map(renameApart))),
  builtin('new-space', '(-> SpaceType)', (_args, ctx) => values(ctx, ctx.env.newSpace())),
  builtin('bind!', '(-> Symbol %Undefined% (->))', ([token, value], ctx) => {
    if (!isSymbol(token!)) fail(`bind! expects a symbol token, got ${formatAtom(token!)}`);
    ctx.env.tokens.define(token.name, value!);
    return values(ctx, UNIT);
  }),
  builtin('new-state', '(-> $tt (StateMonad $tt))', ([value], ctx) => {
    const type = getTypes(ctx.env.types(ctx.space), value!)[0] ?? UNDEFINED;
    return values(ctx, new StateAtom(value!, type));
  }),
  builtin('get-state', '(-> (StateMonad $tt) $tt)', ([state], ctx) => values(ctx, stateOf(state!).value)),
  builtin('change-state!', '(-> (StateMonad $tt) $tt (StateMonad $tt))', ([state, value], ctx) => {
    const s = stateOf(state!);
    s.value = value!;
    return values(ctx, s);
  }),
  builtin('get-type', '(-> Atom %Undefined%)', ([atom], ctx) => values(ctx, ...getTypes(ctx.env.types(ctx.space), atom!))),
  builtin('get-type-space', '(-> SpaceType Atom Atom)', ([space, atom], ctx) => values(ctx, ...getTypes(ctx.env.types(spaceOf(space!)), atom!))),
  builtin('get-metatype', '(-> Atom Atom)', ([atom], ctx) => values(ctx, metaType(atom!))),
  builtin('println!', '(-> %Undefined% (->))', ([atom], ctx) => {
    ctx.env.output.stdout(rawText(atom!) + '\n');
    return values(ctx, UNIT);
  }),
  builtin('trace!', '(-> %Undefined% $a $a)', ([message, value], ctx) => {
    ctx.env.output.stderr(rawText(message!) + '\n');
    return values(ctx, value!);
  }),
];


