// The room area's pages (see main.tsx).
import type { PageRoute } from '../main.js';

export const roomRoutes: PageRoute[] = [];
