import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.js';

/** Problems that a retry will not fix; retrying them only delays the message the operator needs to see. */
function worthRetrying(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  if (error instanceof ApiError && ['host-offline', 'host-pending', 'host-revoked'].includes(error.code)) return false;
  return failureCount < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: worthRetrying, staleTime: 10_000, refetchOnWindowFocus: true },
    mutations: { retry: false },
  },
});
