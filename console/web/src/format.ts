/** How numbers, sizes, durations and times read on screen: short, binary units, the operator's words. */

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

function byteUnitIndex(bytes: number): number {
  let index = 0;
  let value = Math.abs(bytes);
  while (value >= 1024 && index < byteUnits.length - 1) {
    value /= 1024;
    index += 1;
  }
  return index;
}

function scaled(bytes: number, index: number): string {
  const value = bytes / 1024 ** index;
  if (index === 0) return String(Math.round(value));
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** 512 B, 3.1 KiB, 7.8 GiB. */
export function formatBytes(bytes: number): string {
  const index = byteUnitIndex(bytes);
  return `${scaled(bytes, index)} ${byteUnits[index]}`;
}

/** "3.1 / 7.8 GiB": both in the unit of the total, so the two numbers compare at a glance. */
export function formatUsedOfTotal(used: number, total: number): string {
  const index = byteUnitIndex(total);
  return `${scaled(used, index)} / ${scaled(total, index)} ${byteUnits[index]}`;
}

/** "3 d 4 h", "4 h 12 min", "12 min", "45 s": the two largest units, no more. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${seconds} s`;
}

/** "just now", "2 min ago", "3 h ago", "5 d ago"; "in 14 min" for times ahead. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const delta = Math.round((now - at) / 1000);
  if (Math.abs(delta) < 10) return 'just now';
  const text = formatDuration(Math.abs(delta)).split(' ').slice(0, 2).join(' ');
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 2024-05-01 14:03:07 in the browser's time zone: sortable, unambiguous, the same on every screen. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function formatPercent(value: number): string {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} %`;
}

/** rwxr-xr-x, with s/S and t/T for the set-id and sticky bits, as `ls -l` shows them. */
export function formatMode(mode: number): string {
  const triplet = (bits: number, special: boolean, specialChar: string) => {
    const execute = (bits & 1) !== 0;
    const x = special ? (execute ? specialChar : specialChar.toUpperCase()) : execute ? 'x' : '-';
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${x}`;
  };
  return (
    triplet((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triplet(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}

export function formatOctalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Parse "755" or "0755" or "4755"; undefined when it is not an octal mode. */
export function parseOctalMode(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-7]{3,4}$/.test(trimmed)) return undefined;
  return Number.parseInt(trimmed, 8);
}

/** Shorten a long opaque string (a digest, an id) to its head, for tables; the full text goes in a title. */
export function shorten(text: string, length = 12): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
