// Platform administration: granting trust-and-safety and admin roles.
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import { authorizePlatform } from '../../engine/access/index.js';

const Params = z.object({ memberId: z.uuid() });
const Roles = z.object({ roles: z.array(z.enum(['member', 'trust_safety', 'admin'])).max(3) });

export function adminRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<z.infer<typeof Params>, undefined, z.infer<typeof Roles>, Principal>({
      method: 'put',
      path: '/v1/admin/members/:memberId/roles',
      operationId: 'setPlatformRoles',
      summary: "Set a member's platform roles (admins only); takes effect at the member's next request",
      tag: 'admin',
      auth: 'staff',
      params: Params,
      body: Roles,
      responses: { 200: { description: 'roles set', schema: z.object({ memberId: z.uuid(), roles: z.array(z.string()) }) } },
      handler: async ({ params, body, auth }) => {
        if (!authorizePlatform(auth.platformRoles, 'platform.set_roles').allowed) throw ApiError.forbidden('only admins can change platform roles', 'admin_only');
        const roles = await s.accounts.setPlatformRoles(params.memberId, body.roles);
        return { body: { memberId: params.memberId, roles } };
      },
    }),
  ];
}
