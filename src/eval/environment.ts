// Everything one running program shares: its space `&self`, the token registry, the built-ins,
// settings changed by `pragma!`, where output goes, and how space queries are answered.

import type { Atom, ExpressionAtom, SymbolAtom } from '../core/index.js';
import { parseAtom, sym } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import { TokenRegistry } from '../core/index.js';
import { lookupRules, query, queryFilled, type RuleAnswer } from '../cpu/index.js';
import { AtomSpace } from '../space/index.js';
import type { Builtin } from './builtin.js';
import { Effect, effectOf } from './effects.js';
import { SpaceAtom } from './objects.js';
import { TypeIndex } from './types.js';

export interface OutputSink {
  /** Text written by `println!` (already newline-terminated). */
  stdout(text: string): void;
  /** Text written by `trace!`. */
  stderr(text: string): void;
}

export interface EvalSettings {
  /** `pragma! max-stack-depth N`: evaluation deeper than this stops with StackOverflow. */
  maxStackDepth: number | null;
  /** `pragma! type-check auto`: reject ill-typed atoms when added and before evaluation. */
  typeCheck: boolean;
  /** Bound on interpreter steps for one `!` (`--max-steps`). */
  maxSteps: number | null;
  /** Wall-clock deadline for the whole run, in `performance.now()` milliseconds. */
  deadline: number | null;
  /** `pragma! compiled-rules False` turns it off: rule sets that compile run in the compiled tier (eval/compiled). */
  compiledRules: boolean;
  /** `pragma! memoize False` turns it off: the compiled tier keeps the results of pure calls (eval/compiled/memo.ts). */
  memoize: boolean;
  /**
   * `pragma! interpreter bare-minimal`: a top-level `!` form is run by the minimal interpreter, as
   * the reference's runner does then — a minimal instruction is executed, anything else is its own
   * result (runner/top-level.ts).
   */
  bareMinimal: boolean;
}

/** Answers space queries: the CPU matcher inline by default, the scheduler later. */
export type QueryService = (space: AtomSpace, pattern: Atom) => Bindings[];

export const cpuQueryService: QueryService = (space, pattern) => query(space.view(), pattern);

const EQUALS = sym('=');
/** stdlib.metta's `(: = (-> $t $t %Undefined%))`: both sides of an equality have one type. */
const EQUALS_TYPE = parseAtom('(-> $t $t %Undefined%)');

export class Environment {
  readonly self: SpaceAtom;
  readonly tokens: TokenRegistry;
  readonly settings: EvalSettings = { maxStackDepth: null, typeCheck: false, maxSteps: null, deadline: null, compiledRules: true, memoize: true, bareMinimal: false };
  /** Folder of the file being run, for `import!` and `include`. */
  currentDir: string;
  /** Extra folders searched by `import!`. */
  readonly includePaths: string[] = [];
  private interruptedHere = false;
  private interruptFlag: Int32Array | null = null;

  /**
   * Stops evaluation at the machine's next limit check. Set by a signal handler, or — when the
   * program runs on a worker thread — by the main thread through `shareInterruptFlag`.
   */
  get interrupted(): boolean {
    return this.interruptedHere || (this.interruptFlag !== null && Atomics.load(this.interruptFlag, 0) !== 0);
  }

  set interrupted(value: boolean) {
    this.interruptedHere = value;
    if (this.interruptFlag !== null) Atomics.store(this.interruptFlag, 0, value ? 1 : 0);
  }

  /** Makes `interrupted` also read cell 0 of `flag` (backed by a SharedArrayBuffer another thread writes). */
  shareInterruptFlag(flag: Int32Array): void {
    this.interruptFlag = flag;
  }
  private readonly builtins: (Builtin | undefined)[] = [];
  private readonly typeIndexes = new Map<AtomSpace, TypeIndex>();

  constructor(
    /** Where `println!`/`trace!` write; the batched evaluator points it at each branch's buffer in turn. */
    public output: OutputSink,
    options: { space?: SpaceAtom; tokens?: TokenRegistry; currentDir?: string; queryService?: QueryService } = {},
  ) {
    this.self = options.space ?? this.newSpace();
    this.tokens = options.tokens ?? new TokenRegistry();
    this.currentDir = options.currentDir ?? process.cwd();
    this.queryService = options.queryService ?? cpuQueryService;
    this.tokens.define('&self', this.self);
  }

  queryService: QueryService;

  /** Spaces this environment made, for their printed numbers (`&self` is GroundingSpace-1). */
  spacesMade = 0;

  /** A new empty space, numbered in this environment's sequence. */
  newSpace(): SpaceAtom {
    return new SpaceAtom(new AtomSpace(++this.spacesMade));
  }

  querySync(space: AtomSpace, pattern: Atom): Bindings[] {
    return this.queryService(space, pattern);
  }

  /** `match`'s results: `template` per answer, in order (on the default CPU service, with no Bindings made). */
  matchSync(space: AtomSpace, pattern: Atom, template: Atom): Atom[] {
    if (this.queryService === cpuQueryService) return queryFilled(space.view(), pattern, template);
    return this.queryService(space, pattern).map((b) => b.resolve(template));
  }

  /** The rules that fire for `call` (always answered on the CPU: rule sets are small). */
  rulesSync(space: AtomSpace, call: ExpressionAtom): RuleAnswer[] {
    return lookupRules(space.view(), call);
  }

  registerBuiltin(symbol: SymbolAtom, builtin: Builtin): void {
    this.builtins[symbol.id] = builtin;
    this.builtinsVersion++;
  }

  /** Counts registrations, so type caches drop types looked up before a built-in existed (an optional module imported later). */
  builtinsVersion = 0;

  /**
   * Evaluation here is speculative (a worker's copy of the environment): a built-in that writes
   * stops it (see effects.ts) instead of changing the copy.
   */
  speculative = false;
  /** Calls of writing built-ins made for real; the parallel runner re-synchronises workers when it moves. */
  writes = 0;

  /** Counts a call of `builtin` about to run; true when it must not run here (speculative writer). */
  writerCalled(builtin: Builtin): boolean {
    let effect = this.effects.get(builtin);
    if (effect === undefined) {
      effect = effectOf(builtin.name);
      this.effects.set(builtin, effect);
    }
    if (effect !== Effect.Write) return false;
    if (this.speculative) return true;
    this.writes++;
    return false;
  }
  private readonly effects = new Map<Builtin, Effect>();

  /** Every built-in registered so far (optional modules once imported). */
  registeredBuiltins(): Builtin[] {
    return this.builtins.filter((b): b is Builtin => b !== undefined);
  }

  builtin(symbol: SymbolAtom): Builtin | undefined {
    return this.builtins[symbol.id];
  }

  /** The type of a built-in, or the type the reference's stdlib.metta declares for a symbol that is not one (`=`). */
  builtinType(symbol: SymbolAtom): Atom | null {
    return this.builtins[symbol.id]?.type ?? (symbol === EQUALS ? EQUALS_TYPE : null);
  }

  /** The type index of a space (types of `&self` for evaluation, any space for get-type-space). */
  types(space: AtomSpace = this.self.space): TypeIndex {
    let index = this.typeIndexes.get(space);
    if (index === undefined) {
      index = new TypeIndex(this, space);
      this.typeIndexes.set(space, index);
    }
    return index;
  }
}
