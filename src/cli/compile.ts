// `metta compile KB.metta -o KB.mspace`: runs KB as `metta run` does on one thread (its !forms
// print as they would there), then writes `&self` as a compiled space (runner/mspace.ts,
// docs/mspace-format.md). Nothing is written when the run fails; the file is written whole or
// not at all (a temporary file renamed into place), so a reader never sees half of one.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { log, type LogLevel, setLogLevel } from '../core/index.js';
import { ExitCode, Program, SpaceImageWriteError, writeSpaceImage } from '../runner/index.js';
import type { CompileCommand } from './compile-args.js';
import { packageVersion } from './package-version.js';

export interface CompileIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export async function runCompileCommand(command: CompileCommand, logLevel: LogLevel | 'off', io: CompileIo): Promise<number> {
  setLogLevel(logLevel);
  let text: string;
  try {
    text = readFileSync(command.kb, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    io.err(`metta: cannot read ${command.kb}: ${reason}\n`);
    return ExitCode.Usage;
  }
  const t0 = performance.now();
  const program = new Program({ stdout: io.out, stderr: io.err, currentDir: dirname(resolve(command.kb)), maxSteps: command.maxSteps });
  const { exitCode } = program.run(text, command.kb, {
    keepGoing: false,
    writeOut: (line) => io.out(line + '\n'),
    writeErr: (line) => io.err(line + '\n'),
  });
  if (exitCode !== ExitCode.Ok) {
    io.err(`metta: ${command.kb} did not run cleanly; ${command.output} was not written\n`);
    return exitCode;
  }
  const t1 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = writeSpaceImage(program.space, await packageVersion());
  } catch (e) {
    if (!(e instanceof SpaceImageWriteError)) throw e;
    io.err(`metta: ${e.message}\n`);
    return ExitCode.Usage;
  }
  const temporary = `${command.output}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, command.output);
  } catch (e) {
    rmSync(temporary, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `no such folder ${dirname(resolve(command.output))}` : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    io.err(`metta: cannot write ${command.output}: ${reason}\n`);
    return ExitCode.Usage;
  }
  log('info', `compile: ${program.space.size} atoms from ${command.kb} (run in ${(t1 - t0).toFixed(0)} ms) written to ${command.output}: ${bytes.length} bytes in ${(performance.now() - t1).toFixed(0)} ms`);
  return ExitCode.Ok;
}
