// Every `test/metta/NAME.metta` runs (with --keep-going semantics, so each `!` prints) and its
// stdout must equal `test/metta/NAME.expected` byte for byte. Add a program and its expected
// output to add a test.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProgramFile } from '../helpers/run-program.js';

const here = dirname(fileURLToPath(import.meta.url));
const programs = readdirSync(here).filter((f) => f.endsWith('.metta')).sort();

describe('MeTTa programs with expected output', () => {
  it('has programs to run', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const name of programs) {
    it(name, () => {
      const file = join(here, name);
      const expected = readFileSync(file.replace(/\.metta$/, '.expected'), 'utf8');
      expect(runProgramFile(file).out).toBe(expected);
    });
  }
});
