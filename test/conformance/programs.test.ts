// The program corpus on every backend: each `test/metta/NAME.metta` runs (--keep-going semantics,
// so each `!` prints) and its stdout must equal `test/metta/NAME.expected` byte for byte; stderr and
// the exit code must equal the sequential interpreter's. Add a program and its expected output to
// test/metta to add a case for every backend; exclude a case for one backend in exclusions.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRAM_BACKENDS, programBackend, type ProgramBackend, type ProgramRun, unavailable } from './backends.js';
import { excluded, PROGRAM_EXCLUSIONS } from './exclusions.js';
import { runProgramText } from '../helpers/run-program.js';

const FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'metta');
const PROGRAMS = readdirSync(FOLDER).filter((f) => f.endsWith('.metta')).sort();

// The reference for stderr and exit codes (the .expected files hold stdout only), computed once.
const reference = new Map<string, ReturnType<typeof runProgramText>>();
function sequentialRun(name: string): ReturnType<typeof runProgramText> {
  let r = reference.get(name);
  if (r === undefined) {
    const file = join(FOLDER, name);
    r = runProgramText(readFileSync(file, 'utf8'), file);
    reference.set(name, r);
  }
  return r;
}

const expectedOf = (name: string): string => readFileSync(join(FOLDER, name.replace(/\.metta$/, '.expected')), 'utf8');

/** Whether `got` is what the corpus expects of `name`; the first difference otherwise. */
function difference(name: string, got: ProgramRun): string | null {
  const ref = sequentialRun(name);
  if (got.out !== expectedOf(name)) return 'stdout differs from the .expected file';
  if (got.err !== ref.err) return 'stderr differs from the sequential run';
  if (got.exitCode !== ref.exitCode) return `exit code ${got.exitCode}, sequential ${ref.exitCode}`;
  if (got.fallbacks.length > 0) return `fell back: ${got.fallbacks.join('; ')}`;
  return null;
}

it('has programs, each with its expected output', () => {
  expect(PROGRAMS.length).toBeGreaterThan(10);
  for (const name of PROGRAMS) expect(() => expectedOf(name), name).not.toThrow();
});

describe.each(PROGRAM_BACKENDS)('backend %s', (name) => {
  const backend: ProgramBackend = programBackend(name);
  const exclusions = PROGRAM_EXCLUSIONS[name];
  let missing: string | null = null;
  beforeAll(async () => {
    missing = await backend.open();
  });
  afterAll(async () => {
    const { count, what } = backend.evidence();
    console.log(`program backend ${name}: ${count} ${what}`);
    await backend.close();
  });

  const ran: string[] = [];
  for (const program of PROGRAMS) {
    if (excluded(exclusions, program) !== undefined) continue;
    it(program, async (ctx) => {
      if (missing !== null) return unavailable(ctx, name, missing, backend.requiredInCi);
      const file = join(FOLDER, program);
      const got = await backend.run(readFileSync(file, 'utf8'), file);
      expect(got.out).toBe(expectedOf(program));
      expect(got.err).toBe(sequentialRun(program).err);
      expect(got.exitCode).toBe(sequentialRun(program).exitCode);
      expect(got.fallbacks).toEqual([]);
      ran.push(program);
    });
  }

  // Proof that the corpus ran on this backend and not on a path that happens to print the same:
  // its own counters (pool tasks, answerer batches, device queries) grew with the corpus.
  it('ran the corpus itself (its metrics)', (ctx) => {
    if (missing !== null) return unavailable(ctx, name, missing, backend.requiredInCi);
    const { count, what } = backend.evidence();
    expect(ran.length, 'corpus cases that ran before this test').toBeGreaterThan(0);
    expect(count, what).toBeGreaterThanOrEqual(ran.length);
  });

  for (const e of exclusions) {
    it(`exclusion ${e.case} (${e.kind}: ${e.reason}) is not stale`, async (ctx) => {
      expect(PROGRAMS, 'an excluded program must exist').toContain(e.case);
      expect(e.reason.length).toBeGreaterThan(10);
      if (e.kind !== 'differs') return;
      if (missing !== null) return unavailable(ctx, name, missing, backend.requiredInCi);
      const file = join(FOLDER, e.case);
      const got = await backend.run(readFileSync(file, 'utf8'), file);
      expect(difference(e.case, got), 'the excluded program no longer differs: remove the exclusion').not.toBeNull();
    });
  }
});
