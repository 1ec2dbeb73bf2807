import { AppShell, Burger, Button, Group, Menu, NavLink, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { NotificationBell } from '../notifications/NotificationBell';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { Loading } from '../ui/QueryState';
import { m } from './messages';
import { visibleNav } from './nav';
import { useMe } from './session';

/** The frame of every page: header with the bell and the account menu, navigation, main. */
export function Shell() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  useEffect(close, [location.pathname, close]);
  const nav = visibleNav(me.roles);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {m.app.skipToContent}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? m.app.closeNav : m.app.openNav} />
            <UnstyledButton component={Link} to="/" aria-label={m.app.name}>
              <Group gap={8} wrap="nowrap">
                <img src="/favicon.svg" width={28} height={28} alt="" />
                <Text fw={700} size="lg">
                  {m.app.name}
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label={m.app.mainNav}>
        {nav.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            rightSection={item.badge && <item.badge />}
            active={location.pathname === item.to || location.pathname.startsWith(item.to + '/')}
            aria-current={location.pathname === item.to ? 'page' : undefined}
          />
        ))}
        <NavLink component={Link} to="/notifications/settings" label={m.nav.preferences} active={location.pathname === '/notifications/settings'} />
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <div style={{ maxWidth: 880, margin: '0 auto' }}>
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

function AccountMenu() {
  const me = useMe();
  const initials = me.name
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        <Button variant="default" radius="xl" size="compact-md">
          <span aria-hidden>{initials || '?'}</span>
          <VisuallyHidden>{m.app.account(me.name)}</VisuallyHidden>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="dark">
            {me.name}
          </Text>
          <Text size="xs">{me.email}</Text>
          <Text size="xs">
            <VisuallyHidden>{m.app.roles}: </VisuallyHidden>
            {me.roles.join(', ')}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <form method="post" action="/auth/logout">
          <Menu.Item component="button" type="submit">
            {m.app.signOut}
          </Menu.Item>
        </form>
      </Menu.Dropdown>
    </Menu>
  );
}
