import { useMediaQuery } from '@mantine/hooks';

/** True below Mantine's `sm` breakpoint (48em), where tables give way to cards. */
export function usePhone(): boolean {
  return useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
}
