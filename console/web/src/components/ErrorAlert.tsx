import type { ReactNode } from 'react';
import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { isApiError } from '../api.js';

/** Code and message of whatever went wrong, in words; `code` is what an operator can search for or report. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isApiError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'client-error', message: error.message };
  return { code: 'client-error', message: String(error) };
}

export function ErrorAlert({
  error,
  title = 'Something went wrong',
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { code, message } = describeError(error);
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} role="alert">
      <Text size="sm">
        <Code color="red.1" c="red.9" fz="xs" mr={6}>
          {code}
        </Code>
        {message}
      </Text>
      {(onRetry || children) && (
        <Group gap="xs" mt="sm">
          {onRetry && (
            <Button size="xs" variant="default" onClick={onRetry}>
              Try again
            </Button>
          )}
          {children}
        </Group>
      )}
    </Alert>
  );
}
