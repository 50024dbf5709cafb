// Whether an error means the database cannot be reached right now (down, restarting, failing over, the network
// between us cut), as opposed to a query that is wrong: the API answers the first with 503 and Retry-After.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: class 08 connection exceptions; admin/crash shutdown, cannot connect now; too many connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres reports these as plain Errors without a code.
const PG_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * The error itself only, not its causes: a LiveKit call that failed (fetch's TypeError with an ECONNREFUSED cause)
 * is not the database. node-postgres throws socket errors as they are (an AggregateError when every address refused).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m))) return true;
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every((inner) => isDatabaseUnavailable(inner));
}
