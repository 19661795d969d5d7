// `metta FILE --load-state IN --save-state OUT`: the run goes through MettaState — the program is
// compiled and run against the loaded state (or an empty one), its output streamed as it happens,
// and the resulting state saved. Such runs are sequential (the parallel batch runner is not used).

import { readFileSync, writeFileSync } from 'node:fs';
import { spaceAtomOf } from '../eval/index.js';
import type { AtomSpace } from '../space/index.js';
import { ExitCode } from '../runner/index.js';
import {
  compile,
  deserializeState,
  emptyState,
  type MettaState,
  run,
  serializeState,
  StateFormatError,
  StateSerializeError,
} from '../runner/index.js';
import type { RunJob } from './job.js';

/** `space`: the compiled space `--space` loaded, which `&self` of the empty start state is. */
export function runStateJob(job: RunJob, out: (text: string) => void, err: (text: string) => void, interruptFlag?: Int32Array, space: AtomSpace | null = null): number {
  let start: MettaState;
  if (job.loadState != null) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(job.loadState);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      err(`metta: cannot read state ${job.loadState}: ${reason}\n`);
      return ExitCode.Usage;
    }
    try {
      start = deserializeState(bytes);
    } catch (e) {
      if (!(e instanceof StateFormatError)) throw e;
      err(`metta: cannot load state ${job.loadState}: ${e.message}\n`);
      return ExitCode.Usage;
    }
  } else {
    start = emptyState({ currentDir: job.currentDir, ...(space !== null ? { self: spaceAtomOf(space) } : {}) });
    if (space !== null) start.environment.spacesMade = Math.max(start.environment.spacesMade, space.serial);
  }
  const next = run(start, compile(job.text, job.file, { partial: true }), {
    keepGoing: job.keepGoing,
    currentDir: job.currentDir,
    maxSteps: job.maxSteps,
    timeoutSeconds: job.timeout,
    ...(interruptFlag !== undefined ? { interruptFlag } : {}),
    onOutput: (r) => {
      if (r.kind === 'results') out(r.line + '\n');
      else if (r.kind === 'stdout') out(r.text);
      else err(r.text);
    },
  });
  if (job.saveState != null) {
    try {
      writeFileSync(job.saveState, serializeState(next));
    } catch (e) {
      const reason = e instanceof StateSerializeError ? e.message : `${(e as Error).message}`;
      err(`metta: cannot save state ${job.saveState}: ${reason}\n`);
      return next.exitCode === ExitCode.Ok ? ExitCode.ErrorResult : next.exitCode;
    }
  }
  return next.exitCode;
}
