// Turns the Authorization header (Bearer access token) or X-Api-Key into a Principal, per the route's `auth`.
import type { Context } from 'koa';
import { authorizePlatform } from '../engine/access/index.js';
import type { AccountService, Principal } from '../engine/identity/account-service.js';
import { ApiError } from './errors.js';
import type { RouteAuth } from './route.js';

export async function authenticate(ctx: Context, auth: RouteAuth, accounts: AccountService): Promise<Principal | undefined> {
  if (auth === 'public' || auth === 'webhook') return undefined;
  const header = ctx.get('authorization');
  const apiKey = ctx.get('x-api-key');
  let principal: Principal;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw ApiError.unauthorized('Authorization header must be "Bearer <token>"', 'invalid_authorization_header');
    principal = await accounts.authenticateBearer(match[1]);
  } else if (apiKey) {
    principal = await accounts.authenticateApiKey(apiKey);
  } else {
    throw ApiError.unauthorized('authentication required: send "Authorization: Bearer <token>" or "X-Api-Key"');
  }
  if (auth === 'staff' && !authorizePlatform(principal.platformRoles, 'staff.console').allowed) throw ApiError.forbidden('trust-and-safety or admin role required', 'staff_only');
  return principal;
}
