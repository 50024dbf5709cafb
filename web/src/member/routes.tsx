// The member area's pages (see main.tsx).
import type { PageRoute } from '../main.js';
import { Page } from '../ui/kit.js';

function RoomsPage() {
  return <Page title="Rooms">{null}</Page>;
}

export const memberRoutes: PageRoute[] = [{ path: '/', component: RoomsPage }];
