import { Button, EmptyState } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <EmptyState
      mt="xl"
      icon={<IconMapQuestion size={28} />}
      withIndicatorBackground
      title="Page not found"
      description={`There is nothing at ${pathname}. The link may be old, or the host it pointed to was removed.`}
    >
      <EmptyState.Actions>
        <Button component={Link} to="/">
          Go to hosts
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
