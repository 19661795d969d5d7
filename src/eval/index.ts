// The interpreter: SPEC §3 on an explicit-stack machine, and the standard library of SPEC §5.

import type { Atom } from '../core/index.js';
import type { Environment } from './environment.js';
import { evaluateNow } from './machine.js';

export { Environment, type EvalSettings, type OutputSink, type QueryService, cpuQueryService } from './environment.js';
export { alternativeMachine, EvaluationStopped, evaluateAlternative, evaluateNow, isError, Machine, type PendingQuery, SpeculationAborted } from './machine.js';
export { declaredEffect, Effect, effectOf } from './effects.js';
export { type Builtin, errorAtom, MettaError, type Outcome, type Result } from './builtin.js';
export { SpaceAtom, StateAtom, spaceAtomOf } from './objects.js';
export { installStdlib } from './stdlib.js';

/** The results of `!atom` as they print: bindings applied, in the order of SPEC §4. */
export function evaluateTopLevel(env: Environment, atom: Atom): Atom[] {
  return evaluateNow(env, atom).map((r) => (r.bindings.size > 0 ? r.bindings.resolve(r.atom) : r.atom));
}
export { FileHandleAtom } from './builtins/fileio.js';
export { isInstruction as isMinimalInstruction } from './builtins/control.js';
export { moduleRecord, modulesLoadedInto, restoreFileModule, restoreLoadedInto, restoreOptionalModule } from './builtins/modules.js';
export { pragmaEntries, restorePragma, typeCheckFailure } from './builtins/pragma.js';
export { Prng, RandomGeneratorAtom } from './builtins/random.js';
export { BindingsAtom } from './objects.js';
export { compiledCall, compiledTierStats } from './compiled/tier.js';
