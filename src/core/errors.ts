// Errors in the user's source text. They carry a position so the CLI can print
// `file:line:column: reason` instead of a stack trace.

export interface SourcePosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in Unicode code points. */
  readonly column: number;
}

export class MettaSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: SourcePosition,
  ) {
    super(`${position.file}:${position.line}:${position.column}: ${reason}`);
    this.name = 'MettaSyntaxError';
  }
}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
