// `metta repl` (and `metta` with no file on a terminal): reads entries with node:readline, one or
// more lines each — an entry goes on while parentheses are open or a string is unterminated
// (input-complete.ts) — and evaluates them in one session (repl-session.ts): plain atoms are added
// to `&self`, `!` forms are evaluated and their results printed exactly as `metta FILE` prints them.
// Errors (syntax, limits, error results) are reported and the session goes on.
//
// Keys on a terminal: Ctrl-C while typing cancels the entry; Ctrl-C during an evaluation interrupts
// it (the interpreter stops at its next check; what already printed stays) and a second Ctrl-C
// abandons it and leaves the REPL (exit 130); Ctrl-D on an empty line leaves (exit 0). History is
// kept across sessions in ~/.metta_history (METTA_HISTORY overrides the file; empty disables it).
// With input that is not a terminal there are no prompts and the entries are read to the end.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type LogLevel, setLogLevel } from '../core/index.js';
import { ExitCode } from '../runner/index.js';
import { inputState } from './input-complete.js';
import { createEvaluator, type ReplEvaluator, ReplInternalError } from './repl-evaluator.js';
import type { ReplSessionOptions } from './repl-session.js';

export const PROMPT = 'metta> ';
export const CONTINUATION_PROMPT = '... ';
/** Lines kept in the history file (oldest dropped first). */
export const HISTORY_SIZE = 1000;

export interface ReplOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Diagnostics and `trace!` text (default: `output`). */
  readonly errorOutput?: NodeJS.WritableStream;
  /** Line editing, prompts and history; default: whether input and output are terminals. */
  readonly terminal?: boolean;
  /** History file; null keeps no history. Default: `historyFile()`. */
  readonly historyFile?: string | null;
  readonly session: ReplSessionOptions;
  readonly log?: LogLevel | 'off';
  /** Where entries are evaluated (default: a worker thread when the compiled one is there). */
  readonly evaluator?: ReplEvaluator;
}

/** The history file: $METTA_HISTORY when set (empty: none), else ~/.metta_history. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env['METTA_HISTORY'];
  if (chosen !== undefined) return chosen === '' ? null : chosen;
  return join(homedir(), '.metta_history');
}

/** History lines, oldest first, from the file (missing or unreadable: none). */
export function readHistory(file: string | null): string[] {
  if (file === null) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_SIZE);
}

function isTty(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Runs the REPL until end of input (Ctrl-D); resolves to the exit code. */
export function runRepl(options: ReplOptions): Promise<number> {
  const { input, output } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? (isTty(input) && isTty(output));
  const file = options.historyFile === undefined ? historyFile() : options.historyFile;
  const evaluator = options.evaluator ?? createEvaluator(options.session, options.log ?? 'off');

  const rl = createInterface({
    input,
    output,
    terminal,
    prompt: PROMPT,
    // readline keeps the newest line first
    history: terminal ? readHistory(file).reverse() : [],
    historySize: terminal ? HISTORY_SIZE : 0,
    removeHistoryDuplicates: true,
  });

  let historyBroken = false;
  if (terminal && file !== null) {
    rl.on('history', (lines: string[]) => {
      if (historyBroken) return;
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, [...lines].reverse().join('\n') + '\n', { mode: 0o600 });
      } catch (e) {
        historyBroken = true;
        errorOutput.write(`metta: cannot write the history file ${file}: ${(e as Error).message}\n`);
      }
    });
  }

  /** Lines of the entry being typed. */
  let entry: string[] = [];
  /** Lines that arrived while an entry was evaluating (pasted text, piped input). */
  const waiting: string[] = [];
  /** An entry is evaluating. */
  let busy = false;
  /** `drain` is handling lines (it may be waiting for an evaluation). */
  let draining = false;
  let interrupts = 0;
  let ended = false;
  let finished = false;

  return new Promise((resolveExit) => {
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      rl.close();
      void evaluator.close().then(() => resolveExit(code));
    };

    const showPrompt = (): void => {
      if (!terminal || ended) return;
      rl.setPrompt(entry.length === 0 ? PROMPT : CONTINUATION_PROMPT);
      rl.prompt();
    };

    const evaluate = async (text: string): Promise<void> => {
      busy = true;
      interrupts = 0;
      try {
        await evaluator.evaluate(text, { out: (t) => output.write(t), err: (t) => errorOutput.write(t) });
      } catch (e) {
        if (!(e instanceof ReplInternalError)) throw e;
        errorOutput.write(`metta: internal error: ${e.message}\n`);
      }
      busy = false;
    };

    /** Takes one typed line; evaluates the entry once it is complete. */
    const takeLine = async (line: string): Promise<void> => {
      entry.push(line);
      const text = entry.join('\n');
      const state = inputState(text);
      if (state.kind === 'incomplete') return;
      entry = [];
      if (state.kind === 'complete') await evaluate(text);
    };

    /** Handles lines in arrival order, one entry evaluating at a time; then the prompt or the end. */
    const drain = async (): Promise<void> => {
      draining = true;
      while (waiting.length > 0 && !finished) await takeLine(waiting.shift()!);
      draining = false;
      if (finished) return;
      if (ended) {
        // End of input inside an unfinished entry: on a terminal, drop it; otherwise report it as
        // `metta FILE` would (an unbalanced parenthesis or unterminated string, with its position).
        if (entry.length > 0 && !terminal) {
          const text = entry.join('\n');
          entry = [];
          await evaluate(text);
        }
        if (terminal) output.write('\n');
        finish(ExitCode.Ok);
        return;
      }
      showPrompt();
    };

    rl.on('line', (line) => {
      waiting.push(line);
      if (!draining) void drain();
    });

    rl.on('SIGINT', () => {
      if (busy) {
        interrupts++;
        if (interrupts === 1 && evaluator.interrupt()) return; // the evaluation reports that it stopped
        errorOutput.write('\nmetta: the evaluation did not stop and was abandoned; leaving the REPL\n');
        finish(ExitCode.Interrupted);
        return;
      }
      // Cancel the entry: clear the line being edited, show ^C, start again at the main prompt.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      output.write('^C\n');
      entry = [];
      waiting.length = 0;
      showPrompt();
    });

    rl.on('close', () => {
      if (finished) return;
      ended = true;
      if (!draining) void drain();
    });

    if (terminal) output.write('MeTTa REPL: atoms are added to &self, !forms are evaluated. Ctrl-C cancels, Ctrl-D exits.\n');
    showPrompt();
  });
}

/**
 * `metta repl`: the REPL on this process's standard streams (or, for a caller that captures the
 * output, on standard input with the output sent to `io`).
 */
export function runReplCommand(
  command: { readonly maxSteps: number | null; readonly timeout: number | null },
  log: LogLevel | 'off',
  io: { readonly out: (text: string) => void; readonly err: (text: string) => void } | null,
): Promise<number> {
  setLogLevel(log);
  const sink = (write: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        write(chunk.toString());
        done();
      },
    });
  return runRepl({
    input: process.stdin,
    output: io === null ? process.stdout : sink(io.out),
    errorOutput: io === null ? process.stderr : sink(io.err),
    session: { currentDir: process.cwd(), maxSteps: command.maxSteps, timeout: command.timeout },
    log,
  });
}
