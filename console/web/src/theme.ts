import { createTheme } from '@mantine/core';

/**
 * Mantine's default look with a restrained indigo, the system font stack (the CSP allows no external fonts),
 * and tables that keep numbers in columns.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 4 },
  defaultRadius: 'sm',
  cursorType: 'pointer',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  components: {
    Table: {
      defaultProps: { verticalSpacing: 6, horizontalSpacing: 'sm' },
    },
    Tooltip: {
      defaultProps: { openDelay: 300, withArrow: true },
    },
  },
});

/** Height of the app header; sticky table headers stop below it. */
export const appHeaderHeight = 56;

/** Width of the navigation bar from the `sm` breakpoint up. */
export const appNavbarWidth = 220;
