import { Select, type SelectProps } from '@mantine/core';
import { useHosts } from '../hooks/useHosts.js';

interface HostFilterSelectProps {
  value: string | null;
  onChange: (hostId: string | null) => void;
  w?: SelectProps['w'];
}

/** "Host" filter for log-like pages (audit, recordings): any host, or one chosen by name. */
export function HostFilterSelect({ value, onChange, w }: HostFilterSelectProps) {
  const hosts = useHosts();
  return (
    <Select
      label="Host"
      placeholder="Any host"
      data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
      value={value}
      onChange={onChange}
      searchable
      clearable
      nothingFoundMessage="No such host"
      w={w}
    />
  );
}
