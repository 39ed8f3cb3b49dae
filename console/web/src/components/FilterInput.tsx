import { CloseButton, TextInput, type TextInputProps } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

/** A search box for narrowing a table, with a clear button once something is typed. */
export function FilterInput({
  value,
  onChange,
  label,
  ...props
}: { value: string; onChange: (value: string) => void; label: string } & Omit<TextInputProps, 'value' | 'onChange'>) {
  return (
    <TextInput
      aria-label={label}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onChange('');
      }}
      rightSection={value !== '' ? <CloseButton size="sm" aria-label="Clear filter" onClick={() => onChange('')} /> : null}
      type="search"
      autoComplete="off"
      spellCheck={false}
      {...props}
    />
  );
}
