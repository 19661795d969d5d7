// The `metta` command. Returns an exit code instead of exiting, so that pending output is flushed
// and tests can call it in-process.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isLogLevel, log, setLogLevel } from '../core/log.js';
import { ExitCode, Program } from '../runner/index.js';
import { type Command, parseArgs, USAGE, UsageError } from './args.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`metta: ${e.message}\n\n${USAGE}\n`);
      return ExitCode.Usage;
    }
    throw e;
  }
  if (command.kind === 'help') {
    io.out(USAGE + '\n');
    return ExitCode.Ok;
  }
  if (command.kind === 'version') {
    io.out(`metta ${await packageVersion()}\n`);
    return ExitCode.Ok;
  }
  const envLevel = process.env['METTA_LOG'];
  setLogLevel(command.log ?? (envLevel !== undefined && isLogLevel(envLevel) ? envLevel : 'off'));

  let text: string;
  try {
    text = readFileSync(command.file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    io.err(`metta: cannot read ${command.file}: ${reason}\n`);
    return ExitCode.Usage;
  }
  log('info', `running ${command.file} (gpu=${command.gpu}, workers=${command.workers ?? 'default'})`);
  const program = new Program({ stdout: io.out, stderr: io.err, currentDir: dirname(resolve(command.file)) });
  const outcome = program.run(text, command.file, {
    keepGoing: command.keepGoing,
    writeOut: (line) => io.out(line + '\n'),
    writeErr: (line) => io.err(line + '\n'),
  });
  return outcome.exitCode;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../../package.json', import.meta.url);
  try {
    return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
