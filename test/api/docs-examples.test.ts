// Runs every ```ts example of docs/api.md, each block as its own module with `metta-gpu` pointing at
// the library entry (src/index.ts), so the documentation cannot fall behind the API. An example
// checks itself with node:assert; a failing assertion or a thrown error fails its test.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const DOC = resolve('docs/api.md');
const ENTRY = resolve('src/index.ts');

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function tsBlocks(markdown: string): { code: string; line: number }[] {
  const blocks: { code: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    blocks.push({ code: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** A block that only shows a declaration (no import of the library) is not a runnable example. */
const runnable = (code: string): boolean => /from 'metta-gpu'/.test(code);

const blocks = tsBlocks(readFileSync(DOC, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'metta-api-docs-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/api.md examples', () => {
  it('has runnable examples', () => {
    expect(blocks.filter((b) => runnable(b.code)).length).toBeGreaterThanOrEqual(6);
    // Every block either runs or is a plain declaration of types.
    for (const b of blocks) if (!runnable(b.code)) expect(b.code, `block at line ${b.line}`).toMatch(/^interface /m);
  });

  it('finds blocks and would fail on a broken example', async () => {
    expect(tsBlocks('text\n```ts\nconst a = 1;\n```\n```sh\nls\n```\n```ts\nb\n```')).toEqual([
      { code: 'const a = 1;', line: 3 },
      { code: 'b', line: 9 },
    ]);
    await expect(runExample("import assert from 'node:assert/strict';\nimport { Engine } from 'metta-gpu';\nassert.deepEqual(new Engine().load('!(+ 1 1)').lines, ['[3]']);", 'broken')).rejects.toThrow();
  });

  it('type-checks under the project settings', () => {
    const files = blocks.filter((b) => runnable(b.code)).map((b) => writeExample(b.code, `check-${b.line}`));
    const config = ts.readConfigFile(resolve('tsconfig.json'), (f) => ts.sys.readFile(f));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, resolve('.'));
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true, rootDir: undefined });
    // Only the examples' own errors: the sources are type-checked by `npm run typecheck`.
    const problems = files.flatMap((f) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f))).map((d) => {
      const where = d.file !== undefined && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(problems).toEqual([]);
  });

  for (const block of blocks.filter((b) => runnable(b.code))) {
    it(`example at docs/api.md:${block.line}`, async () => {
      await runExample(block.code, `line-${block.line}`);
    });
  }
});

/** Writes an example as a module importing the library entry by path; returns the file. */
function writeExample(code: string, name: string): string {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, code.replaceAll("from 'metta-gpu'", `from '${ENTRY.replace(/\.ts$/, '.js')}'`) + '\nexport {};\n');
  return file;
}

async function runExample(code: string, name: string): Promise<void> {
  await import(pathToFileURL(writeExample(code, name)).href);
}
