// Modules (SPEC §5): `import!`, `include`, `mod-space!`, and the space writers `add-reduct` and
// `add-atoms`.
//
// A module is a file `name.metta` found in the importing file's folder (`env.currentDir`) or one
// of `env.includePaths`, or one of the optional built-in modules `random`, `fileio` and `json`,
// whose built-ins exist in an environment only once it imports them. A file module is read
// incrementally with the program's token registry: plain atoms are added to the target space and
// `!` forms are evaluated against it, their results not printed. While a module loads, `&self`
// stands for the space it loads into and `env.currentDir` is the module's folder, so its own
// imports resolve next to it; both are restored afterwards.
//
// `(import! <space> name)` loads the module into that space once (a second import into the same
// space does nothing); `(import! &tok name)` with a new token loads the module into a space of its
// own (once per environment) and binds `&tok` to it; `mod-space!` returns that space.

import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type Atom, isSymbol, UNIT } from '../../core/index.js';
import { Bindings } from '../../core/index.js';
import { formatPosition, MettaSyntaxError, readSourceFile } from '../../core/index.js';
import { Parser } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { StringAtom } from '../../core/index.js';
import type { AtomSpace } from '../../space/index.js';
import { type Builtin, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { evaluateNow, isError } from '../machine.js';
import { SpaceAtom, spaceAtomOf } from '../objects.js';
import { UNDEFINED } from '../types.js';
import { spaceOf } from './control.js';
import { builtin, expectExpression, fail, registerAll } from './define.js';
import { fileioModule } from './fileio.js';
import { jsonModule } from './json.js';
import { typeCheckFailure } from './pragma.js';
import { randomModule } from './random.js';

/** What an optional built-in module contributes when imported. */
export interface OptionalModule {
  readonly builtins: readonly Builtin[];
  /** Tokens it defines, e.g. `&rng`. */
  readonly tokens?: readonly (readonly [string, Atom])[];
}

/** The optional modules, by the name `import!` knows them by. */
const OPTIONAL_MODULES: ReadonlyMap<string, (env: Environment) => OptionalModule> = new Map([
  ['random', randomModule],
  ['fileio', fileioModule],
  ['json', jsonModule],
]);

interface ModuleState {
  /** Optional modules already installed, with the (empty) space `mod-space!` gives for them. */
  readonly optional: Map<string, SpaceAtom>;
  /** The tokens each optional module defined when installed (its own objects, e.g. the default `&rng`). */
  readonly optionalTokens: Map<string, readonly (readonly [string, Atom])[]>;
  /** File modules loaded into a space of their own, by absolute path. */
  readonly spaces: Map<string, SpaceAtom>;
  /** The file modules already loaded into each space. */
  readonly loadedInto: WeakMap<AtomSpace, Set<string>>;
}

const states = new WeakMap<Environment, ModuleState>();

function stateOf(env: Environment): ModuleState {
  let state = states.get(env);
  if (state === undefined) {
    state = { optional: new Map(), optionalTokens: new Map(), spaces: new Map(), loadedInto: new WeakMap() };
    states.set(env, state);
  }
  return state;
}

/** The module name written as a symbol or a string. */
function moduleName(atom: Atom, op: string): string {
  if (isSymbol(atom)) return atom.name;
  if (atom instanceof StringAtom) return atom.value;
  fail(`${op} expects a module name, got ${formatAtom(atom)}`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file of module `name`: `name.metta` (or `name/module.metta`) in the current folder, then in
 * each include path. `a:b` names `a/b`; a name ending in `.metta` is taken as a file name.
 */
export function findModuleFile(env: Environment, name: string): string | null {
  const rel = /^[A-Za-z]:[\\/]/.test(name) ? name : name.replaceAll(':', '/');
  const candidates = rel.endsWith('.metta') ? [rel] : [rel + '.metta', join(rel, 'module.metta')];
  const bases = isAbsolute(rel) ? [''] : [env.currentDir, ...env.includePaths];
  for (const base of bases) {
    for (const candidate of candidates) {
      const path = resolve(base, candidate);
      if (isFile(path)) return path;
    }
  }
  return null;
}

function notFound(name: string): never {
  fail(`module ${name} not found: no ${name}.metta in the importing file's folder or the include paths, and no built-in module of that name`);
}

/** Installs an optional module's built-ins and tokens (once); returns its space. */
function installOptional(env: Environment, name: string, space?: SpaceAtom): SpaceAtom | null {
  const state = stateOf(env);
  const installed = state.optional.get(name);
  if (installed !== undefined) return installed;
  const make = OPTIONAL_MODULES.get(name);
  if (make === undefined) return null;
  const mod = make(env);
  registerAll(env, mod.builtins);
  for (const [word, atom] of mod.tokens ?? []) env.tokens.define(word, atom);
  const modSpace = space ?? env.newSpace();
  state.optional.set(name, modSpace);
  state.optionalTokens.set(name, mod.tokens ?? []);
  return modSpace;
}

/** What `import!` has done in an environment, for saving a runner state (src/runner/serialize.ts). */
export interface ModuleRecord {
  /** Optional modules in installation order: name, the space `mod-space!` gives, the tokens it defined. */
  readonly optional: readonly { readonly name: string; readonly space: SpaceAtom; readonly tokens: readonly (readonly [string, Atom])[] }[];
  /** File modules loaded into a space of their own: absolute path and that space. */
  readonly files: readonly { readonly path: string; readonly space: SpaceAtom }[];
}

export function moduleRecord(env: Environment): ModuleRecord {
  const state = stateOf(env);
  return {
    optional: [...state.optional].map(([name, space]) => ({ name, space, tokens: state.optionalTokens.get(name) ?? [] })),
    files: [...state.spaces].map(([path, space]) => ({ path, space })),
  };
}

/** The file modules (absolute paths) already loaded into `space`, in loading order. */
export function modulesLoadedInto(env: Environment, space: AtomSpace): string[] {
  return [...(stateOf(env).loadedInto.get(space) ?? [])];
}

/**
 * Restoring a saved state: installs optional module `name` (built-ins and tokens) with `space` as
 * its module space; returns the tokens the module defined, or null for an unknown module.
 */
export function restoreOptionalModule(env: Environment, name: string, space: SpaceAtom): readonly (readonly [string, Atom])[] | null {
  if (installOptional(env, name, space) === null) return null;
  return stateOf(env).optionalTokens.get(name) ?? [];
}

/** Restoring a saved state: records that the file module at `path` has `space` as its own space. */
export function restoreFileModule(env: Environment, path: string, space: SpaceAtom): void {
  stateOf(env).spaces.set(path, space);
}

/** Restoring a saved state: records that the file modules `paths` were loaded into `space`. */
export function restoreLoadedInto(env: Environment, space: AtomSpace, paths: readonly string[]): void {
  const loaded = stateOf(env).loadedInto;
  let set = loaded.get(space);
  if (set === undefined) {
    set = new Set();
    loaded.set(space, set);
  }
  for (const path of paths) set.add(path);
}

/** A path as shown in messages: relative to the working folder when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Reads the module file at `path` into `target`: atoms added, `!` forms evaluated (not printed).
 * Returns the results of the last `!`. A syntax error, an ill-typed atom (under
 * `pragma! type-check auto`) or a `!` with an error result stops the load with an error.
 */
export function loadModuleFile(env: Environment, target: SpaceAtom, path: string): Atom[] {
  const shown = displayPath(path);
  let text: string;
  try {
    text = readSourceFile(path, shown);
  } catch (e) {
    if (e instanceof MettaSyntaxError) fail(`syntax error in module: ${e.message}`);
    fail(`cannot read module ${shown}: ${(e as Error).message}`);
  }
  const savedDir = env.currentDir;
  const savedSelf = env.tokens.lookup('&self');
  env.currentDir = dirname(path);
  env.tokens.define('&self', target);
  try {
    const parser = new Parser(text, shown, env.tokens);
    let last: Atom[] = [];
    for (;;) {
      let item;
      try {
        item = parser.next();
      } catch (e) {
        if (e instanceof MettaSyntaxError) fail(`syntax error in module: ${e.message}`);
        throw e;
      }
      if (item === null) return last;
      const bad = typeCheckFailure(env, target.space, item.atom);
      if (bad !== null) fail(`${formatPosition(item.position)}: ${formatAtom(bad)}`);
      if (!item.exec) {
        target.space.add(item.atom);
        continue;
      }
      const results = evaluateNow(env, item.atom, UNDEFINED, Bindings.EMPTY, target.space).map((r) =>
        r.bindings.size > 0 ? r.bindings.resolve(r.atom) : r.atom,
      );
      const error = results.find(isError);
      if (error !== undefined) fail(`${formatPosition(item.position)}: ${formatAtom(error)}`);
      last = results;
    }
  } finally {
    env.currentDir = savedDir;
    if (savedSelf !== undefined) env.tokens.define('&self', savedSelf);
  }
}

/** Loads the file module at `path` into `target` unless it was already loaded there. */
function loadOnce(env: Environment, target: SpaceAtom, path: string): void {
  const loaded = stateOf(env).loadedInto;
  let paths = loaded.get(target.space);
  if (paths === undefined) {
    paths = new Set();
    loaded.set(target.space, paths);
  }
  if (paths.has(path)) return;
  paths.add(path);
  loadModuleFile(env, target, path);
}

/** The space of the file module at `path`, loaded into it on first use. */
function moduleSpace(env: Environment, path: string): SpaceAtom {
  const spaces = stateOf(env).spaces;
  let space = spaces.get(path);
  if (space === undefined) {
    space = env.newSpace();
    spaces.set(path, space);
    loadOnce(env, space, path);
  }
  return space;
}

export const moduleBuiltins: Builtin[] = [
  builtin('import!', '(-> Atom Atom (->))', ([dest, nameAtom], ctx) => {
    const env = ctx.env;
    const name = moduleName(nameAtom!, 'import!');
    if (!(dest instanceof SpaceAtom) && !isSymbol(dest!)) {
      fail(`import! expects a space or a new token as its first argument, got ${formatAtom(dest!)}`);
    }
    const path = findModuleFile(env, name);
    if (path === null) {
      const space = installOptional(env, name);
      if (space === null) notFound(name);
      if (isSymbol(dest!)) env.tokens.define(dest.name, space);
      return values(ctx, UNIT);
    }
    if (dest instanceof SpaceAtom) loadOnce(env, dest, path);
    else env.tokens.define((dest as { name: string }).name, moduleSpace(env, path));
    return values(ctx, UNIT);
  }),
  builtin('include', '(-> Atom Atom)', ([nameAtom], ctx) => {
    const name = moduleName(nameAtom!, 'include');
    const path = findModuleFile(ctx.env, name);
    if (path === null) notFound(name);
    return values(ctx, ...loadModuleFile(ctx.env, spaceAtomOf(ctx.space), path));
  }),
  builtin('mod-space!', '(-> Atom SpaceType)', ([nameAtom], ctx) => {
    const env = ctx.env;
    const name = moduleName(nameAtom!, 'mod-space!');
    if (name === 'top') return values(ctx, env.self);
    const path = findModuleFile(env, name);
    if (path !== null) return values(ctx, moduleSpace(env, path));
    const space = installOptional(env, name);
    if (space === null) notFound(name);
    return values(ctx, space);
  }),
  builtin('add-reduct', '(-> SpaceType %Undefined% (->))', ([space, atom], ctx) => {
    spaceOf(space!).add(atom!);
    return values(ctx, UNIT);
  }),
  builtin('add-atoms', '(-> SpaceType Expression (->))', ([space, atoms], ctx) => {
    const target = spaceOf(space!);
    for (const atom of expectExpression(atoms!, 'add-atoms')) target.add(atom);
    return values(ctx, UNIT);
  }),
  // The reference's stdlib: `(foldl-atom $tuple () $a $b (add-atom $space $b))` over the tuple,
  // which its %Undefined% type has evaluated (`((pair1) (pair2))` adds what the calls reduce to).
  builtin('add-reducts', '(-> SpaceType %Undefined% (->))', ([space, atoms], ctx) => {
    const target = spaceOf(space!);
    for (const atom of expectExpression(atoms!, 'add-reducts')) target.add(atom);
    return values(ctx, UNIT);
  }),
];
