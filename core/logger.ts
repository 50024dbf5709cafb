// Structured logs (pino) to stderr, so stdout stays free for CLI output that people and scripts read.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'roundtable'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
