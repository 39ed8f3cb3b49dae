/**
 * The Roles page's data: the permission catalogue (every code, GET /api/permissions), the roles with their allows
 * and denies (GET /api/roles), and changes to custom roles. Changing a role changes what the accounts page offers,
 * so a change refreshes both lists.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.js';
import type { CustomRoleRequest, GrantableScopes, RoleView } from '../../../../modules/kernel/access.js';
import type { PermissionCatalogue } from '../../../../modules/kernel/console-api.js';

export const rolesKey = ['roles'] as const;
export const scopesKey = ['scopes'] as const;

export function useCatalogue() {
  return useQuery({ queryKey: ['permissions'], queryFn: ({ signal }) => api.get<PermissionCatalogue>('/api/permissions', { signal }), staleTime: Infinity });
}

export function useRoles() {
  return useQuery({ queryKey: rolesKey, queryFn: ({ signal }) => api.get<RoleView[]>('/api/roles', { signal }) });
}

/** Where the signed-in person may give grants; `fleet` also says they may change roles (account.manage fleet-wide). */
export function useGrantableScopes(enabled = true) {
  return useQuery({ queryKey: scopesKey, queryFn: ({ signal }) => api.get<GrantableScopes>('/api/scopes', { signal }), enabled, retry: false });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => Promise.all([rolesKey, scopesKey].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}

/** Create (no id) or replace (id) a custom role. */
export function useSaveRole(id: string | null) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: CustomRoleRequest) =>
      id === null ? api.post<RoleView>('/api/roles', body) : api.put<RoleView>(`/api/roles/${encodeURIComponent(id)}`, body),
    onSuccess: refresh,
  });
}

export function useDeleteRole() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/roles/${encodeURIComponent(id)}`), onSettled: refresh });
}
