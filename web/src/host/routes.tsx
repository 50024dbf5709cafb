// The host area's pages (see main.tsx): create or schedule a room, and a room's settings (start, cancel, invite,
// moderation policy). Listed before the room page's /rooms/:roomId.
import type { PageRoute } from '../main.js';
import { CreateRoomPage } from './create-room.js';
import { RoomSettingsPage } from './room-settings.js';
import './host.css';

export const hostRoutes: PageRoute[] = [
  { path: '/rooms/new', component: CreateRoomPage },
  { path: '/rooms/:roomId/settings', component: RoomSettingsPage },
];
