// Program runner: top-level atoms in order, `!` results printed in source order.
export { ExitCode, Program, type RunOptions, type RunOutcome } from './program.js';
