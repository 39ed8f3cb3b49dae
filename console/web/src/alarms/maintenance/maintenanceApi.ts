/**
 * The maintenance page's data: the console's /api/maintenance-windows (shapes in modules/kernel/alarm-api.ts).
 * Windows start and end with the clock, not with an event, so the list is fetched again every 30 s.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.js';
import { isAdministrator } from '../../session.js';
import type { User } from '../../types.js';
import type { MaintenanceScope, MaintenanceWindow, MaintenanceWindowRequest } from '../../../../../modules/kernel/alarm-api.js';

export type { MaintenanceScope, MaintenanceWindow, MaintenanceWindowRequest };

export const maintenanceQueryKey = ['maintenance-windows'] as const;

const refreshMs = 30_000;

/** May schedule and end windows. */
export function canManageMaintenance(user: User): boolean {
  return isAdministrator(user) || user.permissions.includes('alarm.manage');
}

/** Every window the console keeps (current, upcoming, the last 200 past), split by the page by time. */
export function useMaintenanceWindows() {
  return useQuery({
    queryKey: maintenanceQueryKey,
    queryFn: ({ signal }) => api.get<MaintenanceWindow[]>('/api/maintenance-windows?state=all', { signal }),
    refetchInterval: refreshMs,
  });
}

export function useScheduleMaintenance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: MaintenanceWindowRequest) => api.post<MaintenanceWindow>('/api/maintenance-windows', request),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKey }),
  });
}

export function useEndMaintenance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (window: MaintenanceWindow) => api.post<MaintenanceWindow>(`/api/maintenance-windows/${encodeURIComponent(window.id)}/end`),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKey }),
  });
}

export type WindowPhase = 'current' | 'upcoming' | 'past';

/** Where a window stands at `now`: from inclusive, to exclusive, as the console decides. */
export function phaseOf(window: MaintenanceWindow, now: number): WindowPhase {
  if (now < Date.parse(window.from)) return 'upcoming';
  return now < Date.parse(window.to) ? 'current' : 'past';
}
