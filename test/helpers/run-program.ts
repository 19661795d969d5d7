// Runs a .metta file the way `metta --keep-going FILE` does, capturing its output.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Program } from '../../src/runner/index.js';

export function runProgramFile(file: string): { out: string; err: string; exitCode: number } {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t), currentDir: dirname(file) });
  const { exitCode } = program.run(readFileSync(file, 'utf8'), file, {
    keepGoing: true,
    writeOut: (line) => (out += line + '\n'),
    writeErr: (line) => (err += line + '\n'),
  });
  return { out, err, exitCode };
}
