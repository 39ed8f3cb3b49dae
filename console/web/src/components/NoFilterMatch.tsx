import { Button, EmptyState } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';

interface NoFilterMatchProps {
  title: string;
  description?: string;
  onClear: () => void;
}

/** What a filtered list shows when nothing matches: say so, and offer the way back to everything. */
export function NoFilterMatch({ title, description, onClear }: NoFilterMatchProps) {
  return (
    <EmptyState py="lg" icon={<IconFilterOff size={26} />} title={title} description={description}>
      <EmptyState.Actions>
        <Button variant="default" onClick={onClear}>
          Clear filters
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
