// Exit codes of a run, in a module of their own so the `metta` command can use them without
// loading the interpreter on its main thread.

export const ExitCode = { Ok: 0, ErrorResult: 1, Usage: 2, Interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
