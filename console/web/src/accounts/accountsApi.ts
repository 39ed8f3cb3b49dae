/** The Accounts page's data: GET /api/users (limited by the server to what the caller may manage) and changes. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.js';
import { rolesKey } from '../roles/rolesApi.js';
import type { AccountView, Grant } from '../../../../modules/kernel/access.js';

export const accountsKey = ['accounts'] as const;

export function useAccounts() {
  return useQuery({ queryKey: accountsKey, queryFn: ({ signal }) => api.get<AccountView[]>('/api/users', { signal }) });
}

export interface AccountChange {
  grants?: Grant[];
  disabled?: boolean;
  password?: string;
}

export function useChangeAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: AccountChange }) => api.patch<AccountView>(`/api/users/${encodeURIComponent(id)}`, change),
    // Grants in use change how many grants a role has (the Roles page's delete button).
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: accountsKey }), queryClient.invalidateQueries({ queryKey: rolesKey })]),
  });
}

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string; grants: Grant[] }) => api.post<AccountView>('/api/users', body),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: accountsKey }), queryClient.invalidateQueries({ queryKey: rolesKey })]),
  });
}
