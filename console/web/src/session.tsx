/**
 * Who is signed in. The session probe runs once at start; any 401 afterwards (an expired or deleted session)
 * drops the user to the login page with a `next` link back to where they were.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, isApiError, onUnauthorized } from './api.js';
import type { User } from './types.js';
import type { LoginAnswer, SecondFactorMethod } from '../../../modules/kernel/two-factor.js';

type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'signed-out'; user: null; expired: boolean }
  | { status: 'signed-in'; user: User };

/** What a right password leads to: the session, or a second step first (docs/api.md "Two-factor login"). */
export type SignInStep =
  | { kind: 'signed-in'; user: User }
  | { kind: 'second-factor'; methods: SecondFactorMethod[]; ticket: string }
  | { kind: 'enrolment'; ticket: string };

interface SessionContextValue {
  state: SessionState;
  signIn(username: string, password: string): Promise<SignInStep>;
  /** The second step (or the enrolment) started the session: take the user the console answered with. */
  completeSignIn(user: User): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Where to send the user after signing in; only paths inside this app, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading', user: null });
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<{ user: User }>('/api/session', { expectUnauthorized: true, signal: controller.signal })
      .then(({ user }) => setState({ status: 'signed-in', user }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // Anything but a clear 401 still lands on the login page, which then shows the console's answer.
        if (!isApiError(error, 'unauthorized')) console.warn('Session probe failed', error);
        setState({ status: 'signed-out', user: null, expired: false });
      });
    return () => controller.abort();
  }, []);

  // A 401 while signed in means the session ended elsewhere (expired, signed out, password changed).
  // RequireSession then redirects to /login with a link back here.
  const status = useRef(state.status);
  status.current = state.status;
  useEffect(
    () =>
      onUnauthorized(() => {
        if (status.current !== 'signed-in') return;
        status.current = 'signed-out';
        setState({ status: 'signed-out', user: null, expired: true });
        queryClient.clear();
      }),
    [queryClient],
  );

  const signIn = useCallback(async (username: string, password: string): Promise<SignInStep> => {
    const answer = await api.post<LoginAnswer>('/api/session', { username, password }, { expectUnauthorized: true });
    if ('secondFactor' in answer) return { kind: 'second-factor', ...answer.secondFactor };
    if ('enrolmentRequired' in answer) return { kind: 'enrolment', ticket: answer.enrolmentRequired.ticket };
    setState({ status: 'signed-in', user: answer.user });
    return { kind: 'signed-in', user: answer.user };
  }, []);

  const completeSignIn = useCallback((user: User) => setState({ status: 'signed-in', user }), []);

  const signOut = useCallback(async () => {
    try {
      await api.delete('/api/session', { expectUnauthorized: true });
    } finally {
      navigate('/login', { replace: true });
      setState({ status: 'signed-out', user: null, expired: false });
      queryClient.clear();
    }
  }, [queryClient, navigate]);

  const value = useMemo(() => ({ state, signIn, completeSignIn, signOut }), [state, signIn, completeSignIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for components under RequireSession. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a session');
  return state.user;
}

export function isAdministrator(user: User): boolean {
  return user.role === 'administrator';
}

/** May rename, tag, approve and revoke hosts. */
export function canManageHosts(user: User): boolean {
  return user.permissions.includes('host.manage');
}
