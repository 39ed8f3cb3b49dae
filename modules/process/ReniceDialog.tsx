import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import type { ProcessInfo } from './contract.js';
import { commandText } from './ProcessRow.js';

/** Change a process's nice value, −20 (most favoured) to 19 (least). */
export function ReniceDialog({
  process,
  saving,
  onConfirm,
  onClose,
}: {
  process: ProcessInfo | null;
  saving: boolean;
  onConfirm: (process: ProcessInfo, nice: number) => void;
  onClose: () => void;
}) {
  const [nice, setNice] = useState<number | string>(0);
  useEffect(() => {
    if (process) setNice(process.nice);
  }, [process]);
  const valid = typeof nice === 'number' && Number.isInteger(nice) && nice >= -20 && nice <= 19;

  return (
    <Modal opened={process !== null} onClose={onClose} title={process ? `Renice PID ${process.pid}` : ''}>
      {process && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (valid) onConfirm(process, nice);
          }}
        >
          <Stack gap="sm">
            <Text size="sm" ff="monospace" className="gh-truncate" title={commandText(process)}>
              {commandText(process)}
            </Text>
            <NumberInput
              label="Nice value"
              description={`Now ${process.nice}. −20 runs first, 19 yields to everything else. Raising priority (lower numbers) needs root.`}
              min={-20}
              max={19}
              step={1}
              allowDecimal={false}
              clampBehavior="strict"
              value={nice}
              onChange={setNice}
              data-autofocus
              error={valid ? undefined : 'A whole number from −20 to 19'}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={saving}>
                Cancel
              </Button>
              <Button type="submit" loading={saving} disabled={!valid}>
                Renice
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
