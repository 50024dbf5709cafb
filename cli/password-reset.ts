// `roundtable password-reset <email>`: an operator issues a single-use, expiring reset link for a member — an
// imported member (who has no usable password) or anyone who forgot theirs. Nothing is emailed: the operator
// passes the link on. Only the token's sha256 is stored; the link is printed once.
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/engine-error.js';

export interface CommandOutput {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The console page that takes the token (web/src/pages/reset-password.tsx). */
export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
}

export async function passwordResetCommand(args: string[], config: Config, log: Logger, io: CommandOutput): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  if (rest.length !== 1 || rest[0]!.startsWith('-')) {
    io.err('usage: roundtable password-reset [--json] <email>\n');
    return 2;
  }
  const email = rest[0]!;
  const { openDatabase } = await import('../db/database.js');
  const { AccountService } = await import('../engine/identity/account-service.js');
  const db = await openDatabase(config, log);
  try {
    const accounts = new AccountService(db.pool, config.auth);
    const issued = await accounts.issuePasswordReset(email, config.auth.passwordResetTtlSeconds);
    const link = passwordResetLink(config.api.publicUrl, issued.token);
    log.info({ memberId: issued.memberId, expiresAt: issued.expiresAt }, 'password reset issued');
    if (json) io.out(`${JSON.stringify({ email, memberId: issued.memberId, token: issued.token, link, expiresAt: issued.expiresAt })}\n`);
    else io.out(`Password reset for ${email} (single use, valid until ${issued.expiresAt}):\n  ${link}\n`);
    return 0;
  } catch (err) {
    if (err instanceof EngineError && err.code === 'member_not_found') {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}
