import { AppShell, Box, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconBuildingFactory2, IconCalendarPause, IconChartLine, IconListCheck, IconListDetails, IconReportAnalytics, IconServer2, IconShieldLock, IconUsers, IconUsersGroup, IconVideo } from '@tabler/icons-react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useEffect } from 'react';
import { appHeaderHeight, appNavbarWidth } from '../theme.js';
import { Brand } from './Brand.js';
import { ColorSchemeToggle } from './ColorSchemeToggle.js';
import { LiveIndicator } from './LiveIndicator.js';
import { UserMenu } from './UserMenu.js';
import { useUser } from '../session.js';
import { AlarmBell } from '../alarms/AlarmBell.js';

interface NavigationItem {
  to: string;
  label: string;
  icon: typeof IconServer2;
  matches: (path: string) => boolean;
  /** Shown only to users whose permissions include this code. */
  permission?: string;
  /** Indented under the item above (the alarm pages under Alarms). */
  nested?: boolean;
}

const navigation: NavigationItem[] = [
  { to: '/', label: 'Hosts', icon: IconServer2, matches: (path) => path === '/' || path.startsWith('/hosts') },
  { to: '/sites', label: 'Sites', icon: IconBuildingFactory2, matches: (path) => path.startsWith('/sites'), permission: 'site.read' },
  { to: '/alarms', label: 'Alarms', icon: IconAlertTriangle, matches: (path) => path === '/alarms', permission: 'alarm.read' },
  { to: '/alarms/rules', label: 'Alarm rules', icon: IconListCheck, matches: (path) => path.startsWith('/alarms/rules'), permission: 'alarm.read', nested: true },
  { to: '/alarms/maintenance', label: 'Maintenance', icon: IconCalendarPause, matches: (path) => path.startsWith('/alarms/maintenance'), permission: 'alarm.read', nested: true },
  { to: '/alarms/report', label: 'Alarm report', icon: IconReportAnalytics, matches: (path) => path.startsWith('/alarms/report'), permission: 'alarm.read', nested: true },
  { to: '/overview', label: 'Overview', icon: IconChartLine, matches: (path) => path.startsWith('/overview'), permission: 'metrics.read' },
  { to: '/approvals', label: 'Approvals', icon: IconUsersGroup, matches: (path) => path.startsWith('/approvals') },
  { to: '/audit', label: 'Audit log', icon: IconListDetails, matches: (path) => path.startsWith('/audit') },
  { to: '/recordings', label: 'Recordings', icon: IconVideo, matches: (path) => path.startsWith('/recordings'), permission: 'audit.read' },
  { to: '/accounts', label: 'Accounts', icon: IconUsers, matches: (path) => path.startsWith('/accounts'), permission: 'account.manage' },
  { to: '/roles', label: 'Roles', icon: IconShieldLock, matches: (path) => path.startsWith('/roles') },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const { permissions } = useUser();

  // On a phone the navbar covers the page; going somewhere closes it.
  useEffect(close, [pathname, close]);

  return (
    <AppShell
      header={{ height: appHeaderHeight }}
      navbar={{ width: appNavbarWidth, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <RouterNavLink to="/" style={{ color: 'inherit', textDecoration: 'none' }} aria-label="Gatehouse, home">
              <Brand />
            </RouterNavLink>
          </Group>
          <Group gap="xs" wrap="nowrap">
            {permissions.includes('alarm.read') && <AlarmBell />}
            <LiveIndicator />
            {/* On a phone the alarm bell needs the room more than the colour scheme does. */}
            <Box visibleFrom="xs">
              <ColorSchemeToggle />
            </Box>
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {navigation.filter((item) => !item.permission || permissions.includes(item.permission)).map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              label={item.label}
              leftSection={<item.icon size={18} stroke={1.6} />}
              active={item.matches(pathname)}
              variant="light"
              pl={item.nested ? 'xl' : undefined}
              style={{ borderRadius: 4 }}
            />
          ))}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" py={4}>
            Every action is recorded in the audit log.
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
