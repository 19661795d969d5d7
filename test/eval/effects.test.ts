// Every built-in must be classified in src/eval/effects.ts: the parallel runner trusts the
// classification to decide what may run speculatively on a worker.

import { describe, expect, it } from 'vitest';
import { declaredEffect, Effect } from '../../src/eval/index.js';
import { Program } from '../../src/runner/index.js';

describe('built-in effects', () => {
  it('classifies every built-in, optional modules included', () => {
    const program = new Program({ stdout: () => {}, stderr: () => {} });
    const { exitCode } = program.run('!(import! &self random)\n!(import! &self fileio)\n!(import! &self json)', 'effects', {
      writeOut: () => {},
      writeErr: () => {},
    });
    expect(exitCode).toBe(0);
    const names = program.env.registeredBuiltins().map((b) => b.name);
    expect(names.length).toBeGreaterThan(130);
    expect(names.filter((n) => declaredEffect(n) === undefined)).toEqual([]);
  });

  it('treats space, state, token, module and random writers as writes and printing as output', () => {
    for (const name of ['add-atom', 'remove-atom', 'bind!', 'change-state!', 'import!', 'new-space', 'random-int']) {
      expect(declaredEffect(name)).toBe(Effect.Write);
    }
    for (const name of ['println!', 'trace!']) expect(declaredEffect(name)).toBe(Effect.Output);
    for (const name of ['match', 'get-state', 'new-state', '+']) expect(declaredEffect(name)).toBe(Effect.None);
  });
});
