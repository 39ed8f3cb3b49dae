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
import { HostPage } from './pages/HostPage.js';
import { HostsPage } from './pages/HostsPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { RecordingsPage } from './pages/RecordingsPage.js';
import { SessionProvider, useSession } from './session.js';

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
          { path: 'audit', element: <AuditPage /> },
          { path: 'recordings', element: <RecordingsPage /> },
          { path: 'recordings/:recordingId', element: <LazyRecordingPlayer /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
