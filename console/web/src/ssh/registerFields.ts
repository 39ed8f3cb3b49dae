/**
 * Which field of the "Add host → Over SSH" form a problem belongs to, so that it shows under that field: the
 * console names the field first in an invalid-params message (`auth.privateKey: …`), zod issues carry a path.
 */
export type AuthKind = 'key' | 'password';
export type RegisterField = 'name' | 'address' | 'port' | 'username' | 'privateKey' | 'passphrase' | 'password';

const fields: readonly string[] = ['name', 'address', 'port', 'username', 'privateKey', 'passphrase', 'password'];

/** The field a request path names (`auth.privateKey`, `username`); `auth` alone is the chosen way of signing in. */
export function fieldOfPath(path: string, authKind: AuthKind): RegisterField | null {
  const last = path.split('.').at(-1) ?? '';
  if (fields.includes(last)) return last as RegisterField;
  if (path.startsWith('auth')) return authKind === 'key' ? 'privateKey' : 'password';
  return null;
}

/**
 * "auth.password: Too small" → the field and the message after the path. A key the console could not use
 * ("the private key cannot be used: …") names no path but is about the key, or its passphrase.
 */
export function fieldOfProblem(message: string, authKind: AuthKind): { field: RegisterField; message: string } | null {
  const match = /^([A-Za-z.]+): (.+)$/s.exec(message);
  const field = match ? fieldOfPath(match[1]!, authKind) : null;
  if (match && field) return { field, message: sentence(match[2]!) };
  if (authKind === 'key' && /passphrase/i.test(message)) return { field: 'passphrase', message: sentence(message) };
  if (authKind === 'key' && /private key/i.test(message)) return { field: 'privateKey', message: sentence(message) };
  return null;
}

/** The console's messages start in lower case (they follow a path or a code); under a field they start a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
