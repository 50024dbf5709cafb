// The matching area's pages (see main.tsx).
import type { PageRoute } from '../main.js';

export const matchingRoutes: PageRoute[] = [];
