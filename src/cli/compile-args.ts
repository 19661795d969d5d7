// Arguments of `metta compile KB.metta [-o KB.mspace]` (args.ts hands them over), read with
// parse-options.ts. Light: this runs on the command's main thread, which must not load the engine.

import { LOG_LEVELS, type LogLevel } from '../core/log.js';
import { oneOf, type OptionSpecs, positiveInteger, readOptions, UsageError, withUsage } from './parse-options.js';

export interface CompileCommand {
  readonly kind: 'compile';
  readonly kb: string;
  /** `-o FILE`; default: KB with `.metta` replaced by `.mspace` (or `.mspace` appended). */
  readonly output: string;
  readonly log: LogLevel | null;
  readonly maxSteps: number | null;
}

export const COMPILE_USAGE = `Usage: metta compile KB.metta [-o KB.mspace] [options]

Runs KB as \`metta run KB.metta\` does (on one thread), then writes its space &self,
indexed, to a compiled space: \`metta run FILE --space KB.mspace\` and
\`metta query KB.mspace PATTERNS.metta\` load it without parsing or re-indexing
(format: docs/mspace-format.md).

Only the contents of &self are compiled. The !forms of KB run and print as in
metta run, so they can build the space (add-atom, import!); what else they change
(tokens bound with bind!, pragma! settings, other spaces) is not kept. A space that
holds a stateful value (another space, a state) cannot be compiled. When KB's run
fails (a syntax error, a !form's error, a limit), nothing is written.

Options:
  -o, --output FILE  where to write (default: KB with .metta replaced by .mspace)
  --max-steps N      stop a !form of KB after N interpreter steps
  --log LEVEL        log to stderr: error, warn, info or debug (also METTA_LOG)
  -h, --help         show this help

Exit codes: 0 written, 1 a !form of KB produced an error or a limit stopped it,
2 usage error, unreadable KB, syntax error (file:line:column: reason) or unwritable output.`;

const COMPILE_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
  log: { type: 'string' },
  'max-steps': { type: 'string' },
} as const satisfies OptionSpecs;

/** `metta compile ...` (argv after `compile`). */
export function parseCompileArgs(args: readonly string[]): CompileCommand | { kind: 'help'; usage: string } {
  return withUsage(COMPILE_USAGE, () => {
    const files: string[] = [];
    let output: string | null = null;
    let log: LogLevel | null = null;
    let maxSteps: number | null = null;
    for (const item of readOptions(args, COMPILE_OPTIONS)) {
      if (item.kind === 'positional') {
        files.push(item.value);
        continue;
      }
      switch (item.name as keyof typeof COMPILE_OPTIONS) {
        case 'help':
          return { kind: 'help', usage: COMPILE_USAGE };
        case 'output':
          output = item.value;
          break;
        case 'log':
          log = oneOf('--log', item.value, LOG_LEVELS);
          break;
        case 'max-steps':
          maxSteps = positiveInteger('--max-steps', item.value);
          break;
      }
    }
    if (files.length !== 1) throw new UsageError(`expected one KB.metta, got ${files.length === 0 ? 'no file' : files.map((f) => `'${f}'`).join(' ')}`);
    const kb = files[0]!;
    const out = output ?? (kb.endsWith('.metta') ? kb.slice(0, -'.metta'.length) : kb) + '.mspace';
    if (out === kb) throw new UsageError(`the output would overwrite the knowledge base '${kb}'`);
    return { kind: 'compile', kb, output: out, log, maxSteps };
  });
}
