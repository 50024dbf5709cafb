// The matching area's pages (see main.tsx): the member's own profile with matching gating, and suggestions/matches.
import type { PageRoute } from '../main.js';
import './matching.css';
import { MatchesPage } from './matches-page.js';
import { ProfilePage } from './profile-page.js';

export const matchingRoutes: PageRoute[] = [
  { path: '/profile', component: ProfilePage },
  { path: '/matches', component: MatchesPage },
];
