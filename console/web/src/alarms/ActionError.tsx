/**
 * A refused alarm action, in the dialog that asked for it: what it means for the operator, then the console's
 * code and message (the code is what a person searches for or reports).
 */
import { Alert, Code, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '../components/ErrorAlert.js';

const meaning: Record<string, string> = {
  conflict: 'The alarm changed meanwhile (someone else acted, or its condition moved). Look at it again, then retry.',
  forbidden: 'Your role may not do this.',
  'not-found': 'The alarm no longer exists.',
  'invalid-params': 'The console refused the request as given.',
  'network-error': 'The console could not be reached. Nothing may have changed.',
};

export function ActionError({ error, title = 'Not done' }: { error: unknown; title?: string }) {
  const { code, message } = describeError(error);
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} role="alert" data-error-code={code}>
      {meaning[code] && <Text size="sm">{meaning[code]}</Text>}
      <Text size="sm" mt={meaning[code] ? 4 : 0}>
        <Code color="red.1" c="red.9" fz="xs" mr={6}>
          {code}
        </Code>
        {message}
      </Text>
    </Alert>
  );
}
