// `pragma!` (SPEC §5) and the type check it can switch on (SPEC §3: `!(pragma! type-check auto)`
// rejects ill-typed atoms when they are added and checks each `!` before evaluating it).
//
// Recognised settings: `type-check auto` (anything else turns the check off),
// `max-stack-depth N` (0 means unlimited, as in the reference), `interpreter bare-minimal`
// (anything else: the full interpreter), and the switches
// `compiled-rules` and `memoize` (True or False). Every other setting is stored and otherwise
// ignored; `pragmaValue` reads it back.

import { type Atom, AtomKind, isSymbol, sym, UNIT } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { BoolAtom, IntAtom } from '../../core/index.js';
import type { AtomSpace } from '../../space/index.js';
import { type Builtin, errorAtom, values } from '../builtin.js';
import type { Environment, EvalSettings } from '../environment.js';
import { ATOM_TYPE, getTypes, isFunctionType } from '../types.js';
import { builtin, fail } from './define.js';

const BAD_TYPE = sym('BadType');
const AUTO = sym('auto');
const BARE_MINIMAL = sym('bare-minimal');

const pragmaTables = new WeakMap<Environment, Map<string, Atom>>();

/** The value last given to `(pragma! name value)`, if any. */
export function pragmaValue(env: Environment, name: string): Atom | undefined {
  return pragmaTables.get(env)?.get(name);
}

/** Every `(pragma! name value)` setting in the order first given, for saving a runner state. */
export function pragmaEntries(env: Environment): [string, Atom][] {
  return [...(pragmaTables.get(env) ?? [])];
}

/** Records a setting without acting on it (restoring a saved state; `env.settings` is restored separately). */
export function restorePragma(env: Environment, name: string, value: Atom): void {
  setPragma(env, name, value);
  // Not among the settings saved separately: restored from their pragmas.
  const setting = Object.hasOwn(SWITCHES, name) ? SWITCHES[name] : undefined;
  if (setting !== undefined) env.settings[setting] = value !== BoolAtom.FALSE;
  if (name === 'interpreter') env.settings.bareMinimal = value === BARE_MINIMAL;
}

/** The settings a `(pragma! name True|False)` switches. */
const SWITCHES: Readonly<Record<string, 'compiledRules' | 'memoize'>> = { 'compiled-rules': 'compiledRules', memoize: 'memoize' } satisfies Record<
  string,
  keyof EvalSettings
>;

function setPragma(env: Environment, name: string, value: Atom): void {
  let table = pragmaTables.get(env);
  if (table === undefined) {
    table = new Map();
    pragmaTables.set(env, table);
  }
  table.set(name, value);
}

export const pragmaBuiltins: Builtin[] = [
  builtin('pragma!', '(-> Atom Atom (->))', ([key, value], ctx) => {
    if (!isSymbol(key!)) fail(`pragma! expects a setting name, got ${formatAtom(key!)}`);
    const settings = ctx.env.settings;
    switch (key.name) {
      case 'type-check':
        settings.typeCheck = value === AUTO;
        break;
      case 'interpreter':
        settings.bareMinimal = value === BARE_MINIMAL;
        break;
      case 'max-stack-depth': {
        const n = value instanceof IntAtom ? value.value : null;
        // The reference's message (a usize parse of the value's text fails).
        if (n === null || n < 0) fail('UnsignedIntegerIsExpected');
        settings.maxStackDepth = n === 0 || n === 0n ? null : Number(n);
        break;
      }
      default: {
        const setting = Object.hasOwn(SWITCHES, key.name) ? SWITCHES[key.name] : undefined;
        if (setting === undefined) break;
        if (value !== BoolAtom.TRUE && value !== BoolAtom.FALSE) fail(`pragma! ${key.name} expects True or False, got ${formatAtom(value!)}`);
        settings[setting] = value === BoolAtom.TRUE;
      }
    }
    setPragma(ctx.env, key.name, value!);
    return values(ctx, UNIT);
  }),
];

/**
 * Whether `atom` is well typed in `space`: it has at least one type (what `get-type` returns), and
 * so does every sub-expression that evaluation would reach — every element below a head without a
 * function type (the reference's tuple types need each element typed, so `(= (f) (+ 1 "a"))` is
 * rejected), and every argument of a typed head except those declared `Atom`.
 */
export function isWellTyped(env: Environment, space: AtomSpace, atom: Atom): boolean {
  const index = env.types(space);
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind !== AtomKind.Expression || a.children.length === 0) continue;
    if (getTypes(index, a).length === 0) return false;
    const head = a.children[0]!;
    const fnTypes = head.kind === AtomKind.Variable ? [] : getTypes(index, head).filter(isFunctionType);
    for (let i = 0; i < a.children.length; i++) {
      const child = a.children[i]!;
      if (child.kind !== AtomKind.Expression) continue;
      if (fnTypes.length > 0 && (i === 0 || fnTypes.every((t) => t.children[i] === ATOM_TYPE))) continue;
      stack.push(child);
    }
  }
  return true;
}

/** `(Error <atom> BadType)` when type checking is on and `atom` is ill-typed; null otherwise. */
export function typeCheckFailure(env: Environment, space: AtomSpace, atom: Atom): Atom | null {
  if (!env.settings.typeCheck || isWellTyped(env, space, atom)) return null;
  return errorAtom(atom, BAD_TYPE);
}
