// Program runner: top-level atoms in order, `!` results printed in source order.
export { ExitCode, Program, type RunOptions, type RunOutcome } from './program.js';
// MettaState: compile / run as values, and their versioned binary form (docs/state-format.md).
export {
  assertUsable,
  compile,
  type CompileOptions,
  emptyState,
  type EnvironmentOptions,
  type MettaState,
  newStateEnvironment,
  type OutputRecord,
  results,
  run,
  type SourceItem,
  StateConsumedError,
  type StateRunOptions,
  stderrText,
  stdoutText,
} from './state.js';
export {
  cloneState,
  deserializeState,
  serializeState,
  STATE_FORMAT_VERSION,
  STATE_MAGIC,
  StateFormatError,
  StateSerializeError,
} from './serialize.js';
