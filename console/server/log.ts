/** The console's log: one line per event on stderr. Secrets never go here (SECURITY.md rule 7). */
type Fields = Record<string, string | number | boolean | undefined | null>;

function line(level: string, message: string, fields?: Fields): void {
  const extra = fields
    ? Object.entries(fields)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
        .join('')
    : '';
  process.stderr.write(`${new Date().toISOString()} ${level} console: ${message}${extra}\n`);
}

export const log = {
  info: (message: string, fields?: Fields) => line('info', message, fields),
  warn: (message: string, fields?: Fields) => line('warn', message, fields),
  error: (message: string, fields?: Fields) => line('error', message, fields),
};
