// Limits on a run: --max-steps, --timeout, Ctrl-C (SIGINT) and the evaluation depth. The
// installed command is spawned (`node bin/metta.js`, compiled to dist/ by `npm install` /
// `npm run build`), because Ctrl-C handling needs a real process.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Program } from '../../src/runner/index.js';

function programFile(text: string, name = 'prog.metta'): string {
  const dir = mkdtempSync(join(tmpdir(), 'metta-limits-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs `text` in-process, as `metta --keep-going` does. */
function runInProcess(text: string, options: ConstructorParameters<typeof Program>[0] = {}): { out: string; err: string; exitCode: number } {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t), ...options });
  const { exitCode } = program.run(text, 'prog.metta', {
    keepGoing: true,
    writeOut: (line) => (out += line + '\n'),
    writeErr: (line) => (err += line + '\n'),
  });
  return { out, err, exitCode };
}

const LOOP = `!(+ 1 1)
!(println! "started")
(= (loop $n) (loop (+ $n 1)))
!(loop 0)
!(+ 2 2)
`;

const SUM = '(= (sum $n) (if (== $n 0) 0 (+ $n (sum (- $n 1)))))\n';

/**
 * Runs `file` through the installed command, sends SIGINT 200 ms after `shown` is on its standard
 * output (the form after it is running by then), and waits for the exit.
 */
async function interruptOnceShown(file: string, shown: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/metta.js', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes(shown)) resolve();
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.kill('SIGINT');
  const code = await exited;
  return { code, stdout, stderr };
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run limits', () => {
  it('--max-steps stops a !form, keeps what was printed and says why on stderr', () => {
    const file = programFile(LOOP);
    const r = cli(['--max-steps', '5000', file]);
    expect(r.stdout).toBe('[2]\nstarted\n[()]\n');
    expect(r.stderr).toBe(`${file}:4:1: evaluation stopped: stopped after 5000 steps (--max-steps)\n`);
    expect(r.status).toBe(1);
  });

  it('--max-steps leaves programs within the limit alone', () => {
    const r = cli(['--max-steps', '100000', programFile(`${SUM}!(sum 100)\n`)]);
    expect(r.stdout).toBe('[5050]\n');
    expect(r.status).toBe(0);
  });

  it('--timeout stops the run after the given seconds', () => {
    const file = programFile(LOOP);
    const started = Date.now();
    const r = cli(['--timeout', '0.5', file]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toBe('[2]\nstarted\n[()]\n');
    expect(r.stderr).toBe(`${file}:4:1: evaluation stopped: time limit reached (--timeout)\n`);
    expect(r.status).toBe(1);
  });

  it('--timeout stops a loop that runs in the compiled tier (its last calls in place)', () => {
    const file = programFile('!(+ 1 1)\n(= (spin $i) (spin (+ $i 1)))\n!(spin 0)\n');
    const r = cli(['--timeout', '0.5', file]);
    expect(r.stdout).toBe('[2]\n');
    expect(r.stderr).toBe(`${file}:3:1: evaluation stopped: time limit reached (--timeout)\n`);
    expect(r.status).toBe(1);
  });

  it('rejects bad limit values as usage errors', async () => {
    for (const argv of [['--max-steps', '0', 'x.metta'], ['--max-steps', '1.5', 'x.metta'], ['--timeout', 'soon', 'x.metta'], ['--timeout', '0', 'x.metta'], ['--timeout']]) {
      let err = '';
      const code = await main(argv, { out: () => {}, err: (t) => (err += t) });
      expect(code).toBe(2);
      expect(err).toMatch(/^metta: /);
    }
  });

  it('Ctrl-C stops the running !form: earlier output stays, exit code 130', async () => {
    const file = programFile(LOOP);
    const { code, stdout, stderr } = await interruptOnceShown(file, '[()]\n');
    expect(stdout).toBe('[2]\nstarted\n[()]\n');
    expect(stderr).toBe(`${file}:4:1: evaluation stopped: interrupted\n`);
    expect(code).toBe(130);
  }, 60_000);

  describe('a read that waits on a FIFO (no writer yet) is stopped as any other !form', () => {
    const fifoProgram = (): { file: string; fifo: string } => {
      const dir = mkdtempSync(join(tmpdir(), 'metta-fifo-'));
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const file = join(dir, 'read.metta');
      writeFileSync(file, `!(import! &self fileio)\n!(println! "waiting")\n!(let $h (file-open! "${fifo}" "r") (file-read-to-string! $h))\n!(+ 2 2)\n`);
      return { file, fifo };
    };

    it('by --timeout', () => {
      const { file } = fifoProgram();
      const r = cli(['--timeout', '0.5', file]);
      expect(r.stdout).toBe('[()]\nwaiting\n[()]\n');
      expect(r.stderr).toBe(`${file}:3:1: evaluation stopped: time limit reached (--timeout)\n`);
      expect(r.status).toBe(1);
    });

    it('by Ctrl-C', async () => {
      const { file } = fifoProgram();
      const { code, stderr } = await interruptOnceShown(file, 'waiting\n[()]\n');
      expect(code).toBe(130);
      expect(stderr).toBe(`${file}:3:1: evaluation stopped: interrupted\n`);
    }, 60_000);

    it('and reads what a writer sends, to its end', async () => {
      const { file, fifo } = fifoProgram();
      const child = spawn(process.execPath, ['bin/metta.js', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      writeFileSync(fifo, 'hello\nworld');
      expect(await exited).toBe(0);
      expect(stdout).toBe('[()]\nwaiting\n[()]\n["hello\\nworld"]\n[4]\n');
    }, 60_000);
  });

  it('an interrupt flag set from outside stops evaluation in-process (exit code 130)', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let ticks = 0;
    let out = '';
    let err = '';
    const program = new Program({
      stdout: (t) => {
        out += t;
        if (t === 'tick\n' && ++ticks === 3) Atomics.store(flag, 0, 1);
      },
      stderr: (t) => (err += t),
      interruptFlag: flag,
    });
    const { exitCode } = program.run('(= (loop) (let $u (println! "tick") (loop)))\n!(loop)\n!(never)\n', 'prog.metta', {
      writeOut: (line) => (out += line + '\n'),
      writeErr: (line) => (err += line + '\n'),
    });
    expect(exitCode).toBe(130);
    // The interpreter checks the flag every 1024 steps, so a few more ticks may get out first.
    expect(out).toMatch(/^(tick\n)+$/);
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(err).toBe('prog.metta:2:1: evaluation stopped: interrupted\n');
    expect(program.env.interrupted).toBe(true);
  });
});

describe('evaluation depth', () => {
  it('a 100,000-deep recursion completes (no JavaScript stack overflow)', () => {
    const r = cli([programFile(`${SUM}!(sum 100000)\n`)]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('[5000050000]\n');
    expect(r.status).toBe(0);
  }, 120_000);

  it('with pragma! max-stack-depth it stops with a StackOverflow error instead', () => {
    const { out, exitCode } = runInProcess(`${SUM}!(pragma! max-stack-depth 1000)\n!(sum 100000)\n!(sum 10)\n`);
    const lines = out.split('\n');
    expect(lines[0]).toBe('[()]');
    expect(lines[1]).toMatch(/^\[\(Error .* StackOverflow\)\]$/);
    expect(lines[2]).toBe('[55]');
    expect(exitCode).toBe(1);
  });
});

describe('import! search path', () => {
  it('finds modules in the include paths after the program folder', () => {
    const lib = mkdtempSync(join(tmpdir(), 'metta-include-'));
    writeFileSync(join(lib, 'shared.metta'), '(= (shared) from-include-path)\n');
    const dir = mkdtempSync(join(tmpdir(), 'metta-prog-'));
    const text = '!(import! &self shared)\n!(shared)\n';
    expect(runInProcess(text, { currentDir: dir, includePaths: [lib] }).out).toBe('[()]\n[from-include-path]\n');
    // A module in the program's own folder wins over one of the same name in the include paths.
    writeFileSync(join(dir, 'shared.metta'), '(= (shared) from-program-folder)\n');
    expect(runInProcess(text, { currentDir: dir, includePaths: [lib] }).out).toBe('[()]\n[from-program-folder]\n');
  });
});
