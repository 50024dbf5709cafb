// The staff area's pages (see main.tsx): the case queue, one case, transcript search and the audit log. Every
// page shares one cache of member names.
import type { ComponentType } from 'react';
import type { PageRoute } from '../main.js';
import { AuditLogPage } from './audit-page.js';
import { CasePage } from './case-page.js';
import { CaseQueuePage } from './case-queue-page.js';
import { MemberNamesProvider } from './member-names.js';
import { TranscriptSearchPage } from './search-page.js';
import './staff.css';

function withNames(Page: ComponentType): ComponentType {
  const Wrapped = () => (
    <MemberNamesProvider>
      <Page />
    </MemberNamesProvider>
  );
  Wrapped.displayName = `WithNames(${Page.name})`;
  return Wrapped;
}

export const staffRoutes: PageRoute[] = [
  { path: '/staff/cases', component: withNames(CaseQueuePage) },
  { path: '/staff/cases/:caseId', component: withNames(CasePage) },
  { path: '/staff/search', component: withNames(TranscriptSearchPage) },
  { path: '/staff/audit', component: withNames(AuditLogPage) },
  { path: '/staff', component: withNames(CaseQueuePage) },
];
