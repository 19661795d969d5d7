// Assertions of the reference's test scripts that this engine does not pass yet, by
// `script:line` (the line of the `!`), with the reason. Each is also listed in docs/semantics.md
// ("The reference's test scripts"); reference-scripts.test.ts checks both directions.

export const KNOWN_FAILURES: Readonly<Record<string, string>> = {};
