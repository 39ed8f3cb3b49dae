/** Random identifiers (host, token, session and recording ids): lower-case letters and digits, uniform. */
import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from 36, about 5.2 bits each; rejection sampling keeps every character equally likely. */
export function randomId(length: number): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && id.length < length) id += alphabet[byte % 36];
    }
  }
  return id;
}
