// Leveled logging to stderr, set by `--log LEVEL` or METTA_LOG. Off unless asked for: stdout
// belongs to the program's results.

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let threshold = -1;

export function isLogLevel(name: string): name is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(name);
}

export function setLogLevel(level: LogLevel | 'off'): void {
  threshold = level === 'off' ? -1 : LOG_LEVELS.indexOf(level);
}

export function logEnabled(level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= threshold;
}

export function log(level: LogLevel, message: string): void {
  if (logEnabled(level)) process.stderr.write(`[metta ${level}] ${message}\n`);
}
