// The member area's pages (see main.tsx): room discovery, notifications, decisions about the member, groups.
import type { PageRoute } from '../main.js';
import { DecisionsPage } from './decisions.js';
import { DiscoveryPage } from './discovery.js';
import { GroupsPage } from './groups.js';
import { NotificationsPage } from './notifications.js';
import './member.css';

export const memberRoutes: PageRoute[] = [
  { path: '/', component: DiscoveryPage },
  { path: '/notifications', component: NotificationsPage },
  { path: '/decisions', component: DecisionsPage },
  { path: '/groups', component: GroupsPage },
];
