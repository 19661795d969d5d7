// Every `examples/NAME.metta` must print exactly `examples/NAME.metta.expected` and succeed.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgramFile } from '../helpers/run-program.js';

const folder = 'examples';
const examples = readdirSync(folder).filter((f) => f.endsWith('.metta')).sort();

describe('examples', () => {
  for (const name of examples) {
    it(name, () => {
      const file = join(folder, name);
      const { out, exitCode } = runProgramFile(file);
      expect(out).toBe(readFileSync(`${file}.expected`, 'utf8'));
      expect(exitCode).toBe(0);
    });
  }
});
