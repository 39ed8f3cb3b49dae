/** One line per event on stderr, so systemd's journal (or the terminal) keeps it with its own timestamps. */
type Fields = Record<string, string | number | boolean | undefined>;

function line(level: string, message: string, fields?: Fields): void {
  const extra = fields
    ? Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
        .join('')
    : '';
  process.stderr.write(`${new Date().toISOString()} ${level} agent: ${message}${extra}\n`);
}

export const log = {
  info: (message: string, fields?: Fields) => line('info', message, fields),
  warn: (message: string, fields?: Fields) => line('warn', message, fields),
  error: (message: string, fields?: Fields) => line('error', message, fields),
};
