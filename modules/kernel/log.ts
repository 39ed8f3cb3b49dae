/**
 * One line per event on stderr, so systemd's journal (or the terminal) keeps it with its own timestamps.
 * Secrets never go into a log line (SECURITY.md rule 7).
 */
type Fields = Record<string, string | number | boolean | undefined | null>;

export interface Log {
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

/** A log whose lines name the part of Gatehouse that wrote them (`agent`, `console`). */
export function createLog(component: string): Log {
  const line = (level: string, message: string, fields?: Fields) => {
    const extra = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
          .join('')
      : '';
    process.stderr.write(`${new Date().toISOString()} ${level} ${component}: ${message}${extra}\n`);
  };
  return {
    info: (message, fields) => line('info', message, fields),
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}
