// The REPL driven in a real pseudo-terminal: the installed command (`node bin/metta.js repl`,
// compiled to dist/ by `npm install` / `npm run build`) runs under test/cli/pty-relay.py, which types
// what the test writes and hands back what the terminal shows. Waits are for output to appear
// (generous timeouts), never fixed delays.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const RELAY = join(import.meta.dirname, 'pty-relay.py');
const WAIT_MS = 30_000;
const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

/** Terminal output without ANSI control sequences and carriage returns. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  private raw = '';
  private stderr = '';
  /** Output before this offset has been consumed by `expect`. */
  private seen = 0;
  readonly exited: Promise<number>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn('python3', [RELAY, process.execPath, 'bin/metta.js', ...args], { env: { ...process.env, ...env } });
    this.child.stdout.on('data', (d: Buffer) => (this.raw += d.toString('utf8')));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? -1)));
  }

  /** Everything the terminal showed so far, without control sequences. */
  get screen(): string {
    return plain(this.raw);
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Waits until `pattern` appears in output not yet consumed; consumes up to the match. */
  async expect(pattern: RegExp | string): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const rest = plain(this.raw.slice(this.seen));
      const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
      if (m !== null) {
        // Consume by raw length: find the raw offset whose plain prefix covers the match.
        const want = m.index + m[0].length;
        let end = this.seen;
        while (end < this.raw.length && plain(this.raw.slice(this.seen, end)).length < want) end++;
        this.seen = end;
        return rest.slice(0, want);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; terminal showed:\n${this.screen}\nstderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the main prompt (`metta> `) to be shown again. */
  prompt(): Promise<string> {
    return this.expect('metta> ');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const sessions: PtySession[] = [];
function start(args: string[] = [], env: NodeJS.ProcessEnv = {}): PtySession {
  const s = new PtySession(['repl', ...args], env);
  sessions.push(s);
  return s;
}
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function tempHistory(initial?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'metta-repl-')), 'history');
  if (initial !== undefined) writeFileSync(file, initial);
  return file;
}

// Skipped only outside CI when python3 (for its pty module) is missing; in CI (CI=true) it must run.
describe.skipIf(!hasPython && process.env['CI'] !== 'true')('metta repl in a pseudo-terminal', () => {
  it('evaluates !forms as the CLI prints them, adds atoms, continues multi-line entries, exits on Ctrl-D', async () => {
    const history = tempHistory();
    const s = start([], { METTA_HISTORY: history });
    await s.prompt();
    s.type('(color red)\n');
    await s.prompt();
    s.type('(color green)\n');
    await s.prompt();
    s.type('!(match &self (color $c) $c)\n');
    expect(await s.expect(/\[red, green\]\n/)).toContain('[red, green]');
    await s.prompt();
    // An open parenthesis continues the entry on the next line, with the continuation prompt.
    s.type('!(+ 40\n');
    await s.expect('... ');
    s.type('2)\n');
    await s.expect('[42]\n');
    await s.prompt();
    // A newline inside an unterminated string continues it, and is part of the string.
    s.type('!(repr "a\n');
    await s.expect('... ');
    s.type('b")\n');
    await s.expect(String.raw`["\"a\\nb\""]` + '\n');
    await s.prompt();
    // println! output, then the result line, as `metta FILE` prints them.
    s.type('!(println! "hello from println")\n');
    await s.expect('hello from println\n[()]\n');
    await s.prompt();
    s.type('\x04');
    expect(await s.exited).toBe(0);
    // History: one line per typed line, oldest first.
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    expect(lines).toEqual(['(color red)', '(color green)', '!(match &self (color $c) $c)', '!(+ 40', '2)', '!(repr "a', 'b")', '!(println! "hello from println")']);
  });

  it('reports errors on one line and keeps the session (syntax, error results, limits); bind! tokens persist', async () => {
    const s = start(['--max-steps', '5000'], { METTA_HISTORY: '' });
    await s.prompt();
    s.type('!(bind! &kb (new-space))\n');
    await s.expect('[()]\n');
    await s.prompt();
    s.type('!(add-atom &kb (fact 7))\n');
    await s.expect('[()]\n');
    await s.prompt();
    s.type('!(/ 1 0)\n');
    await s.expect('[(Error (/ 1 0) DivisionByZero)]\n');
    await s.prompt();
    s.type('!(a "b" ))\n');
    await s.expect("<repl>:1:10: unbalanced parentheses: unexpected ')'\n");
    await s.prompt();
    s.type('(= (spin $n) (spin (+ $n 1)))\n');
    await s.prompt();
    s.type('!(spin 0)\n');
    await s.expect(/<repl>:1:1: evaluation stopped: [^\n]*step[^\n]*\n/);
    await s.prompt();
    // Everything is still there: the space, the bound token, the rules.
    s.type('!(match &kb (fact $x) (* $x 6))\n');
    await s.expect('[42]\n');
    await s.prompt();
    s.type('\x04');
    expect(await s.exited).toBe(0);
  });

  it('Ctrl-C cancels the entry being typed; Ctrl-C interrupts a running evaluation and the session goes on', async () => {
    const s = start([], { METTA_HISTORY: '' });
    await s.prompt();
    s.type('(= (forever $n) (forever (+ $n 1)))\n');
    await s.prompt();
    // Cancel a half-typed continuation: the next entry starts from scratch.
    s.type('!(+ 1\n');
    await s.expect('... ');
    s.type('(never finished');
    s.type('\x03');
    await s.expect('^C\n');
    await s.prompt();
    s.type('!(* 6 7)\n');
    await s.expect('[42]\n');
    await s.prompt();
    // Interrupt an evaluation that never ends by itself.
    s.type('!(forever 0)\n');
    await s.expect('!(forever 0)\n');
    s.type('\x03');
    await s.expect('<repl>:1:1: evaluation stopped: interrupted\n');
    await s.prompt();
    s.type('!(forever-not-defined 1)\n');
    await s.expect('[(forever-not-defined 1)]\n');
    await s.prompt();
    s.type('\x04');
    expect(await s.exited).toBe(0);
  });

  it('recalls history from an earlier session with the up arrow', async () => {
    const history = tempHistory('!(+ 100 23)\n');
    const s = start([], { METTA_HISTORY: history });
    await s.prompt();
    s.type('\x1b[A'); // up arrow: the last line of the earlier session
    await s.expect('!(+ 100 23)');
    s.type('\n');
    await s.expect('[123]\n');
    await s.prompt();
    s.type('\x04');
    expect(await s.exited).toBe(0);
    expect(readFileSync(history, 'utf8')).toBe('!(+ 100 23)\n');
  });

  it('starts with `metta` and no file on a terminal', async () => {
    const s = new PtySession([], { METTA_HISTORY: '' });
    sessions.push(s);
    await s.prompt();
    s.type('!(get-type 1)\n');
    await s.expect('[Number]\n');
    await s.prompt();
    s.type('\x04');
    expect(await s.exited).toBe(0);
  });
});
