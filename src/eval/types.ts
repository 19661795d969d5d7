// Types (SPEC §3): `(: atom T)` declarations, function types `(-> A1 ... An R)`, `%Undefined%`,
// meta-types, subtyping `(:< A B)` and parametric types with variables.

import { type Atom, AtomKind, expr, type ExpressionAtom, isExpression, isSymbol, type SymbolAtom, sym, variable, type VariableAtom } from '../core/index.js';
import { Bindings, instantiate, unify } from '../core/index.js';
import { freshVariable } from '../core/index.js';
import { variablesOf } from '../core/index.js';
import type { AtomSpace } from '../space/index.js';
import type { Environment } from './environment.js';

export const UNDEFINED = sym('%Undefined%');
export const ATOM_TYPE = sym('Atom');
export const ARROW = sym('->');
export const COLON = sym(':');
export const SUBTYPE = sym(':<');
export const SYMBOL_TYPE = sym('Symbol');
export const VARIABLE_TYPE = sym('Variable');
export const EXPRESSION_TYPE = sym('Expression');
export const GROUNDED_TYPE = sym('Grounded');
const TYPE_VAR = variable('t');

/** The meta-type symbol of an atom. */
export function metaType(atom: Atom): SymbolAtom {
  switch (atom.kind) {
    case AtomKind.Symbol:
      return SYMBOL_TYPE;
    case AtomKind.Variable:
      return VARIABLE_TYPE;
    case AtomKind.Expression:
      return EXPRESSION_TYPE;
    case AtomKind.Grounded:
      return GROUNDED_TYPE;
  }
}

export function isMetaType(t: Atom): boolean {
  return t === SYMBOL_TYPE || t === VARIABLE_TYPE || t === EXPRESSION_TYPE || t === GROUNDED_TYPE || t === ATOM_TYPE;
}

export function isFunctionType(t: Atom): t is Atom & { children: readonly Atom[] } {
  return isExpression(t) && t.children.length >= 1 && t.children[0] === ARROW;
}

/** Argument types and return type of a function type. */
export function splitFunctionType(t: Atom & { children: readonly Atom[] }): { readonly args: readonly Atom[]; readonly ret: Atom } {
  let split = splits.get(t);
  if (split === undefined) {
    const c = t.children;
    split = c.length === 1 ? { args: [], ret: UNDEFINED } : { args: c.slice(1, c.length - 1), ret: c[c.length - 1]! };
    splits.set(t, split);
  }
  return split;
}

/** Function types are few and long-lived (declarations), so their splits are kept. */
const splits = new WeakMap<object, { readonly args: readonly Atom[]; readonly ret: Atom }>();

/** What `cacheApplicable` leaves on an expression: its applicable return types under the caches of `epoch`. */
interface ApplicableMemo {
  readonly epoch: object;
  readonly types: readonly Atom[] | null;
}

/** Types are looked up in the space; results are cached until the space changes. */
export class TypeIndex {
  private cache = new Map<Atom, Atom[]>();
  private supers = new Map<Atom, Atom[]>();
  /**
   * Expression → the return types of its head's function types that apply to it (null: the head
   * has none), kept only when they are variable-free: a nested call such as `(== (+ a (+ b c)) 27)`
   * is type-checked again by every enclosing application, so without it the checks of a chain of
   * nested calls cost its depth squared. The answers live on the atoms (`typeMemo`), tagged with
   * this epoch: a new epoch, when the other caches are dropped, disowns them all.
   */
  private applicableEpoch: object = {};
  private cachedVersion = -1;
  private cachedBuiltins = -1;
  /** The space's version when the stamp was last computed: until it changes, the stamp cannot. */
  private stampedAt = -1;
  /** Whether any `(: subject T)` has an expression subject (else expressions need no lookup). */
  private expressionDeclarations: boolean | null = null;

  constructor(
    private readonly env: Environment,
    private readonly space: AtomSpace,
  ) {}

  /** Drops the caches when a declaration `(: ...)` / `(:< ...)` (or an atom that could match one) was written. */
  private refresh(): void {
    // Called on every type lookup: most see no write since the last one, and skip the stamp.
    const version = this.space.version;
    if (version === this.stampedAt && this.cachedBuiltins === this.env.builtinsVersion) return;
    this.stampedAt = version;
    const stamp = this.space.headStamp(COLON, 3) * 2 + this.space.headStamp(SUBTYPE, 3);
    if (this.cachedVersion === stamp && this.cachedBuiltins === this.env.builtinsVersion) return;
    this.cachedBuiltins = this.env.builtinsVersion;
    this.cache = new Map();
    this.supers = new Map();
    this.applicableEpoch = {};
    this.expressionDeclarations = null;
    this.cachedVersion = stamp;
  }

  /** Whether any `(: subject T)` has an expression subject (an expression can then have a declared type). */
  hasExpressionDeclarations(): boolean {
    this.refresh();
    if (this.expressionDeclarations === null) {
      const subject = variable('subject#');
      this.expressionDeclarations = this.env
        .querySync(this.space, expr([COLON, subject, TYPE_VAR]))
        .some((b) => isExpression(b.resolve(subject)));
    }
    return this.expressionDeclarations;
  }

  /** Declared types of a symbol or expression (from `(: atom T)`), including built-in ones. */
  declaredTypes(atom: Atom): Atom[] {
    this.refresh();
    const key = isSymbol(atom) ? atom : null;
    if (key !== null) {
      const hit = this.cache.get(key);
      if (hit !== undefined) return hit;
    } else if (isExpression(atom) && !this.hasExpressionDeclarations()) {
      return [];
    }
    const types: Atom[] = [];
    const builtin = isSymbol(atom) ? this.env.builtinType(atom) : null;
    if (builtin !== null) types.push(builtin);
    for (const b of this.env.querySync(this.space, expr([COLON, atom, TYPE_VAR]))) {
      const t = b.lookup(TYPE_VAR.name);
      if (t !== undefined) types.push(b.resolve(t));
    }
    if (key !== null) this.cache.set(key, types);
    return types;
  }

  /** A cached `applicableReturnTypes` answer for `atom` (undefined: none is cached). */
  cachedApplicable(atom: ExpressionAtom): readonly Atom[] | null | undefined {
    this.refresh();
    const memo = atom.typeMemo as ApplicableMemo | undefined;
    return memo !== undefined && memo.epoch === this.applicableEpoch ? memo.types : undefined;
  }

  cacheApplicable(atom: ExpressionAtom, types: readonly Atom[] | null): void {
    const memo: ApplicableMemo = { epoch: this.applicableEpoch, types };
    atom.typeMemo = memo;
  }

  /** Direct supertypes declared with `(:< t S)`. */
  superTypes(t: Atom): Atom[] {
    this.refresh();
    const hit = this.supers.get(t);
    if (hit !== undefined) return hit;
    const out: Atom[] = [];
    for (const b of this.env.querySync(this.space, expr([SUBTYPE, t, TYPE_VAR]))) {
      const s = b.lookup(TYPE_VAR.name);
      if (s !== undefined) out.push(b.resolve(s));
    }
    if (isSymbol(t)) this.supers.set(t, out);
    return out;
  }
}

const MAX_TYPE_DEPTH = 512;

/**
 * Every type of `atom` (SPEC: `get-type` returns each valid type). An empty list means the atom is
 * ill-typed: an application whose arguments fit none of its head's function types.
 */
export function getTypes(index: TypeIndex, atom: Atom, depth = 0): Atom[] {
  switch (atom.kind) {
    case AtomKind.Variable:
      return [UNDEFINED];
    case AtomKind.Grounded:
      return [atom.typeAtom()];
    case AtomKind.Symbol: {
      const declared = index.declaredTypes(atom);
      return declared.length > 0 ? declared : [UNDEFINED];
    }
    case AtomKind.Expression: {
      if (atom.children.length === 0) return [UNDEFINED];
      if (depth > MAX_TYPE_DEPTH) {
        depthCutoffs++;
        return [UNDEFINED];
      }
      const declared = index.declaredTypes(atom);
      const applicable = applicableReturnTypes(index, atom, depth);
      if (applicable === null) return declared.length > 0 ? declared : [UNDEFINED];
      return declared.length === 0 ? [...applicable] : [...declared, ...applicable];
    }
  }
}

/** Times a type computation stopped at MAX_TYPE_DEPTH: an answer computed meanwhile depends on its depth. */
let depthCutoffs = 0;

/**
 * The return types of the function types of `atom`'s head that apply to its arguments, in order
 * (what getTypes adds to the declared types of an expression); null when the head has no function
 * type. Cached per atom when variable-free and computed without reaching the depth limit: the
 * answer then depends on nothing but the atom and the declarations.
 */
function applicableReturnTypes(index: TypeIndex, atom: ExpressionAtom, depth: number): readonly Atom[] | null {
  const cached = index.cachedApplicable(atom);
  if (cached !== undefined) return cached;
  const cutoffsBefore = depthCutoffs;
  const head = atom.children[0]!;
  let out: Atom[] | null = null;
  if (head.kind !== AtomKind.Variable) {
    for (const fnType of getTypes(index, head, depth + 1)) {
      if (!isFunctionType(fnType)) continue;
      out ??= [];
      const ret = applicationType(index, atom.children, fnType, depth);
      if (ret !== null) out.push(ret);
    }
  }
  if (depthCutoffs === cutoffsBefore && (out === null || out.every((t) => !hasVariables(t)))) index.cacheApplicable(atom, out);
  return out;
}

/** Return type of `children` applied with `fnType`, or null when the arguments do not fit. */
function applicationType(index: TypeIndex, children: readonly Atom[], fnType: Atom, depth: number): Atom | null {
  let { args, ret } = splitFunctionType(fnType as Atom & { children: readonly Atom[] });
  if (args.length !== children.length - 1) return null;
  if (hasVariables(fnType)) {
    const typed = valuesApplicationType(index, children, args, ret, depth);
    if (typed !== undefined) return typed;
    ({ args, ret } = renamedApart(args, ret));
  }
  return fittedReturnType(index, children, args, ret, depth);
}

/** The return type under the bindings that fitting each argument to its type made; null when one does not fit. */
function fittedReturnType(index: TypeIndex, children: readonly Atom[], args: readonly Atom[], ret: Atom, depth: number): Atom | null {
  const bindings = new Bindings();
  for (let i = 0; i < args.length; i++) {
    if (!argumentFits(index, children[i + 1]!, args[i]!, bindings, depth)) return null;
  }
  return bindings.resolve(ret);
}

/**
 * applicationType of a polymorphic function type without renaming it apart, when every argument
 * is a value or a variable (`(== 3 $x)`, the commonest check of all): a value's type that is
 * variable-free and has no declared supertype cannot mention the declaration's variables, so they
 * can be bound as they are, with the same outcome as fresh copies. Undefined when that does not
 * hold or the return type keeps one of the variables: renaming apart then decides.
 */
function valuesApplicationType(index: TypeIndex, children: readonly Atom[], args: readonly Atom[], ret: Atom, depth: number): Atom | null | undefined {
  for (let i = 1; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === AtomKind.Variable) continue;
    if (c.kind !== AtomKind.Grounded) return undefined;
    const t = c.typeAtom();
    if (hasVariables(t) || index.superTypes(t).length > 0) return undefined;
  }
  const type = fittedReturnType(index, children, args, ret, depth);
  return type !== null && hasVariables(type) ? undefined : type;
}

/**
 * The argument and return types of a function type renamed apart: what splitting
 * `renameApart(fnType)` gives (fresh variables made in the same order: the arguments', then the
 * return type's), without the renamed type itself.
 */
function renamedApart(args: readonly Atom[], ret: Atom): { readonly args: readonly Atom[]; readonly ret: Atom } {
  const renamed = new Map<string, VariableAtom>();
  const rename = (atom: Atom): Atom => {
    if (atom.kind === AtomKind.Variable) return freshFor(renamed, atom);
    if (!hasVariables(atom)) return atom;
    return instantiate(atom, (v) => freshFor(renamed, v));
  };
  const freshArgs: Atom[] = [];
  for (const a of args) freshArgs.push(rename(a));
  return { args: freshArgs, ret: rename(ret) };
}

function freshFor(renamed: Map<string, VariableAtom>, v: VariableAtom): VariableAtom {
  let fresh = renamed.get(v.name);
  if (fresh === undefined) {
    fresh = freshVariable(v.name);
    renamed.set(v.name, fresh);
    // As renameApart: a variable already named like a fresh one made here is left as it is.
    renamed.set(fresh.name, fresh);
  }
  return fresh;
}

/** Whether `arg` can be passed where `expected` is declared, extending the type bindings. */
export function argumentFits(index: TypeIndex, arg: Atom, expected: Atom, bindings: Bindings, depth = 0): boolean {
  if (expected === ATOM_TYPE || expected === UNDEFINED) return true;
  if (arg.kind === AtomKind.Variable) return true;
  // A meta-type matches by shape; failing that, the ordinary type check still applies, so an
  // untyped symbol (%Undefined%) passes where `Expression` is declared, as in the reference.
  if (isMetaType(expected) && metaType(arg) === expected) return true;
  // A grounded value has exactly its own type: the common case needs no type list.
  if (arg.kind === AtomKind.Grounded) {
    const actual = arg.typeAtom();
    return actual === expected || typeFits(index, expected, actual, bindings);
  }
  // An application with no declared type of its own: its types are the return types of its head's
  // function types that apply (%Undefined%, which fits anything, when the head has none), what
  // getTypes would find, without its lists.
  if (arg.kind === AtomKind.Expression && arg.children.length > 0 && arg.children[0]!.kind === AtomKind.Symbol && index.declaredTypes(arg).length === 0) {
    if (depth + 1 > MAX_TYPE_DEPTH) {
      depthCutoffs++;
      return true;
    }
    const applicable = applicableReturnTypes(index, arg, depth + 1);
    if (applicable === null) return true;
    for (const ret of applicable) if (typeFits(index, expected, ret, bindings)) return true;
    return false;
  }
  for (const actual of getTypes(index, arg, depth + 1)) {
    if (typeFits(index, expected, actual, bindings)) return true;
  }
  return false;
}

/** Whether a value of type `actual` may stand where `expected` is required. */
export function typeFits(index: TypeIndex, expected: Atom, actual: Atom, bindings: Bindings): boolean {
  // As the reference's match-types: %Undefined% and Atom on either side match anything (a
  // function returning Atom may be used where any type is expected).
  if (expected === UNDEFINED || actual === UNDEFINED || expected === ATOM_TYPE || actual === ATOM_TYPE || expected === actual) return true;
  // Unified in place; a failed attempt's partial bindings are undone.
  const before = bindings.size;
  if (unify(expected, actual, bindings)) return true;
  bindings.undoTo(before);
  // Subtyping: walk the declared supertypes of `actual` (breadth-first, cycles cut).
  const seen = new Set<Atom>([actual]);
  const queue = [actual];
  while (queue.length > 0) {
    const t = queue.shift()!;
    for (const s of index.superTypes(t)) {
      if (seen.has(s)) continue;
      seen.add(s);
      if (unify(expected, s, bindings)) return true;
      bindings.undoTo(before);
      queue.push(s);
    }
  }
  return false;
}

const variableFlags = new WeakMap<Atom, boolean>();

/** Whether a type mentions variables (then it is renamed apart per use); cached per atom. */
export function hasVariables(atom: Atom): boolean {
  let flag = variableFlags.get(atom);
  if (flag === undefined) {
    flag = variablesOf(atom).length > 0;
    variableFlags.set(atom, flag);
  }
  return flag;
}
