// The room area's pages (see main.tsx).
import type { PageRoute } from '../main.js';
import { RoomPage } from './room-page.js';
import './room.css';

export const roomRoutes: PageRoute[] = [{ path: '/rooms/:roomId', component: RoomPage }];
