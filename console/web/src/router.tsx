/**
 * Routes. A data router (rather than <BrowserRouter>) so the file editor can hold navigation while it has
 * unsaved changes (useBlocker).
 */
import { lazy, Suspense } from 'react';
import { Center, Loader, Skeleton } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { AppLayout } from './components/AppLayout.js';
import { LiveProvider } from './live.js';
import { AuditPage } from './pages/AuditPage.js';
import { RolesPage } from './pages/RolesPage.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { TokensPage } from './pages/TokensPage.js';
import { AccountSecurityPage } from './two-factor/AccountSecurityPage.js';
import { ApprovalsPage } from './approvals/ApprovalsPage.js';
import { HostPage } from './pages/HostPage.js';
import { HostsPage } from './pages/HostsPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { RecordingsPage } from './pages/RecordingsPage.js';
import { SessionProvider, useSession } from './session.js';
import { SitePage } from './sites/SitePage.js';
import { SitesPage } from './sites/SitesPage.js';
import { AlarmsPage } from './alarms/AlarmsPage.js';
import { RulesPage } from './alarms/rules/RulesPage.js';
import { MaintenancePage } from './alarms/maintenance/MaintenancePage.js';

// The report is for managers now and then; it does not weigh on every page load.
const ReportPage = lazy(() => import('./alarms/report/ReportPage.js').then((m) => ({ default: m.ReportPage })));

function LazyReportPage() {
  return (
    <Suspense fallback={<Skeleton height={480} radius="md" aria-label="Loading the report" />}>
      <ReportPage />
    </Suspense>
  );
}

// uPlot comes with the trend page; the site pages themselves do not need it.
const TrendPage = lazy(() => import('./sites/TrendPage.js').then((m) => ({ default: m.TrendPage })));

function LazyTrendPage() {
  return (
    <Suspense fallback={<Skeleton height={480} radius="md" aria-label="Loading the trend" />}>
      <TrendPage />
    </Suspense>
  );
}

// The player brings xterm.js; only those who replay a recording load it.
const RecordingPlayerPage = lazy(() => import('./pages/RecordingPlayerPage.js'));

function LazyRecordingPlayer() {
  return (
    <Suspense fallback={<Skeleton height={480} radius="md" aria-label="Loading the player" />}>
      <RecordingPlayerPage />
    </Suspense>
  );
}

function Root() {
  return (
    <ModalsProvider>
      <SessionProvider>
        <Outlet />
      </SessionProvider>
    </ModalsProvider>
  );
}

function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <Center h="100dvh" aria-label="Loading">
        <Loader />
      </Center>
    );
  }
  if (state.status === 'signed-out') {
    const query = new URLSearchParams({ next: `${location.pathname}${location.search}` });
    if (state.expired) query.set('expired', '1');
    return <Navigate to={`/login?${query}`} replace />;
  }
  return (
    <LiveProvider>
      <AppLayout />
    </LiveProvider>
  );
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        element: <RequireSession />,
        children: [
          { index: true, element: <HostsPage /> },
          { path: 'hosts/:hostId', element: <HostPage /> },
          { path: 'hosts/:hostId/:module', element: <HostPage /> },
          { path: 'overview', element: <OverviewPage /> },
          { path: 'sites', element: <SitesPage /> },
          { path: 'sites/:siteId', element: <SitePage /> },
          { path: 'sites/:siteId/trend', element: <LazyTrendPage /> },
          { path: 'alarms', element: <AlarmsPage /> },
          { path: 'alarms/rules', element: <RulesPage /> },
          { path: 'alarms/maintenance', element: <MaintenancePage /> },
          { path: 'alarms/report', element: <LazyReportPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: 'roles', element: <RolesPage /> },
          { path: 'accounts', element: <AccountsPage /> },
          { path: 'tokens', element: <TokensPage /> },
          { path: 'security', element: <AccountSecurityPage /> },
          { path: 'approvals', element: <ApprovalsPage /> },
          { path: 'recordings', element: <RecordingsPage /> },
          { path: 'recordings/:recordingId', element: <LazyRecordingPlayer /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
