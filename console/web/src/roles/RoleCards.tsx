/** One card per role: what it is for, how much it gives and takes away, and for custom roles edit and delete. */
import { Badge, Button, Card, Group, SimpleGrid, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import type { RoleView } from '../../../../modules/kernel/access.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why a role cannot be deleted, or null when it can. */
export function deleteBlocker(role: Pick<RoleView, 'builtIn' | 'grantCount'>): string | null {
  if (role.builtIn) return 'Built-in roles cannot be deleted.';
  if (role.grantCount > 0) return `In use by ${plural(role.grantCount, 'grant')}: change or remove those grants first.`;
  return null;
}

export function RoleCards({
  roles,
  catalogueSize,
  canEdit,
  onEdit,
  onDelete,
}: {
  roles: RoleView[];
  catalogueSize: number;
  canEdit: boolean;
  onEdit: (role: RoleView) => void;
  onDelete: (role: RoleView) => void;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
      {roles.map((role) => {
        const blocker = deleteBlocker(role);
        return (
          <Card key={role.id} withBorder padding="sm" radius="md" data-role={role.id}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text fw={650} truncate>
                {role.name}
              </Text>
              {role.builtIn ? (
                <Text size="xs" c="dimmed" ff="monospace">
                  {role.id}
                </Text>
              ) : (
                <Badge variant="outline" color="indigo" size="sm" radius="sm" style={{ textTransform: 'none', flexShrink: 0 }}>
                  custom
                </Badge>
              )}
            </Group>
            {role.summary && (
              <Text size="sm" mt={4} className="gh-break">
                {role.summary}
              </Text>
            )}
            <Group gap="xs" mt={6}>
              <Text size="xs" c="dimmed">
                {role.allow.length} of {catalogueSize} permissions
              </Text>
              {role.deny.length > 0 && (
                <Text size="xs" c="red.7" fw={600}>
                  {role.deny.length} denied
                </Text>
              )}
              {!role.builtIn && (
                <Text size="xs" c="dimmed">
                  · {role.grantCount === 0 ? 'not granted yet' : `${plural(role.grantCount, 'grant')}`}
                </Text>
              )}
            </Group>
            {canEdit && !role.builtIn && (
              <Group gap="xs" mt="xs">
                <Button size="compact-sm" variant="default" leftSection={<IconPencil size={14} />} onClick={() => onEdit(role)}>
                  Edit
                </Button>
                <Tooltip label={blocker} disabled={!blocker} multiline w={240}>
                  {/* A disabled button takes no hover; the span carries the tooltip. */}
                  <span>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      leftSection={<IconTrash size={14} />}
                      disabled={blocker !== null}
                      aria-description={blocker ?? undefined}
                      onClick={() => onDelete(role)}
                    >
                      Delete
                    </Button>
                  </span>
                </Tooltip>
                {blocker && (
                  <Text size="xs" c="dimmed">
                    In use: cannot delete
                  </Text>
                )}
              </Group>
            )}
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
