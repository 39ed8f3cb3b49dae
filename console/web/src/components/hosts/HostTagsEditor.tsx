/**
 * Edit a host's tags in place on its page (`host.manage`). Each tag is checked with the kernel's schema as it
 * is typed, so a bad one is marked before Save, not refused after. Loaded when opened: it brings zod along.
 */
import { useState } from 'react';
import { Button, Group, Pill, Stack, TagsInput, Text } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { hostPatchSchema, hostTagSchema } from '../../../../../modules/kernel/console-api.js';
import { useHosts, useSetHostTags } from '../../hooks/useHosts.js';
import { knownTags, tagMeaning } from '../../hostTags.js';
import type { Host } from '../../types.js';
import { ErrorAlert } from '../ErrorAlert.js';

/** What is wrong with these tags, in one sentence; null when the console would take them. */
function tagsProblem(tags: readonly string[]): string | null {
  const bad = tags.find((tag) => !hostTagSchema.safeParse(tag).success);
  if (bad !== undefined) {
    const reason = hostTagSchema.safeParse(bad).error?.issues[0]?.message ?? 'not a tag';
    return `“${bad}” is not a valid tag: ${reason}.`;
  }
  const patch = hostPatchSchema.safeParse({ tags });
  if (patch.success) return null;
  const issue = patch.error.issues[0];
  return issue?.code === 'too_big' ? `At most ${String(issue.maximum)} tags.` : (issue?.message ?? 'These tags are not valid.');
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

export default function HostTagsEditor({ host, onDone }: { host: Host; onDone: () => void }) {
  const hosts = useHosts();
  const save = useSetHostTags();
  const [tags, setTags] = useState<string[]>(host.tags);
  const [search, setSearch] = useState('');
  // Suggestions once typing starts (or on arrow down): open on focus they would cover the hint, errors and Save.
  const [suggesting, setSuggesting] = useState(false);
  const problem = tagsProblem(tags);
  const meanings = tags.flatMap((tag) => {
    const meaning = tagMeaning(tag);
    return meaning ? [{ tag, meaning }] : [];
  });

  const cancel = () => {
    save.reset();
    onDone();
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (problem === null) save.mutate({ host, tags }, { onSuccess: onDone });
      }}
      data-tags-editor
    >
      <Stack gap={8} maw={620}>
        <TagsInput
          label="Tags"
          description="Lower-case letters, digits and dashes. Enter, comma or space adds a tag."
          placeholder={tags.length ? undefined : 'plant-north, field-gateway…'}
          value={tags}
          onChange={(next) => {
            // Tags are lower case: what is typed becomes what is kept, rather than being refused for its case.
            setTags([...new Set(next.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag !== ''))]);
            save.reset();
          }}
          searchValue={search}
          onSearchChange={(value) => {
            setSearch(value.toLowerCase());
            setSuggesting(value.trim() !== '');
          }}
          dropdownOpened={suggesting}
          onDropdownOpen={() => setSuggesting(true)}
          onDropdownClose={() => setSuggesting(false)}
          data={knownTags(hosts.data)}
          splitChars={[',', ' ']}
          error={problem}
          clearable
          openOnFocus={false}
          limit={8}
          data-autofocus
          autoFocus
          classNames={{ inputField: 'gh-mono-input' }}
          renderOption={({ option }) => {
            const meaning = tagMeaning(option.value);
            return (
              <Stack gap={0}>
                <Text size="sm">{option.value}</Text>
                {meaning && (
                  <Text size="xs" c="dimmed">
                    {meaning}
                  </Text>
                )}
              </Stack>
            );
          }}
          renderPill={({ value, onRemove, disabled }) => {
            const tag = value ?? '';
            const valid = hostTagSchema.safeParse(tag).success;
            return (
              <Pill
                withRemoveButton={!disabled}
                onRemove={onRemove}
                removeButtonProps={{ 'aria-label': `Remove tag ${tag}` }}
                bg={valid ? undefined : 'var(--mantine-color-red-light)'}
                c={valid ? undefined : 'var(--mantine-color-red-light-color)'}
                title={valid ? undefined : 'Not a valid tag'}
                data-invalid={valid ? undefined : true}
              >
                {tag}
              </Pill>
            );
          }}
        />
        {meanings.map(({ tag, meaning }) => (
          <Group key={tag} gap={6} wrap="nowrap" align="flex-start" data-tag-hint={tag}>
            <IconShieldLock size={16} style={{ flexShrink: 0, marginTop: 2 }} color="var(--mantine-color-indigo-text)" aria-hidden />
            <Text size="sm">
              <Text span ff="monospace" size="sm" fw={600}>
                {tag}
              </Text>
              : {meaning.charAt(0).toLowerCase() + meaning.slice(1)}
            </Text>
          </Group>
        ))}
        {save.isError && <ErrorAlert error={save.error} title="Could not save the tags" />}
        <Group gap="xs" justify="flex-end">
          <Button size="xs" variant="default" onClick={cancel}>
            Cancel
          </Button>
          <Button type="submit" size="xs" loading={save.isPending} disabled={problem !== null || sameTags(tags, host.tags)}>
            Save tags
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
