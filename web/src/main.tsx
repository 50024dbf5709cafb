// The web console: one single-page app for members, hosts and trust-and-safety staff, served by the API on the
// same origin. Routes are listed here; each area (member/, host/, staff/) owns its pages.
import type { ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Switch } from 'wouter';
import { SessionProvider } from './api/session.js';
import './styles.css';
import { Layout, RequireSession, RequireStaff } from './ui/layout.js';
import { LoginPage, ResetPasswordPage, SignUpPage } from './pages/auth.js';
import { NotFoundPage } from './pages/not-found.js';
import { memberRoutes } from './member/routes.js';
import { hostRoutes } from './host/routes.js';
import { staffRoutes } from './staff/routes.js';
import { roomRoutes } from './room/routes.js';
import { matchingRoutes } from './matching/routes.js';

export interface PageRoute {
  path: string;
  component: ComponentType;
}

function App() {
  return (
    <SessionProvider>
      <Layout>
        <Switch>
          <Route path="/login" component={LoginPage} />
          <Route path="/signup" component={SignUpPage} />
          <Route path="/reset-password" component={ResetPasswordPage} />
          {/* Specific paths (/rooms/new, /rooms/:roomId/settings) before the room page's /rooms/:roomId. */}
          {[...hostRoutes, ...memberRoutes, ...matchingRoutes, ...roomRoutes].map((r) => (
            <Route key={r.path} path={r.path}>
              <RequireSession>
                <r.component />
              </RequireSession>
            </Route>
          ))}
          {staffRoutes.map((r) => (
            <Route key={r.path} path={r.path}>
              <RequireStaff>
                <r.component />
              </RequireStaff>
            </Route>
          ))}
          <Route component={NotFoundPage} />
        </Switch>
      </Layout>
    </SessionProvider>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(<App />);
