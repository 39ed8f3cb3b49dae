/**
 * RFC 1123 host names: dot-separated labels of 1–63 letters, digits and hyphens, no label starting or ending
 * with a hyphen, 253 characters at most. Its own file without zod, so the page checks names as they are typed.
 */
const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
export const hostnamePattern = new RegExp(`^${label}(?:\\.${label})*$`);
export const hostnameMaxLength = 253;

/** Why `name` is not a host name this module will set, or undefined when it is one. */
export function hostnameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A host name cannot be empty.';
  if (name.length > hostnameMaxLength) return `A host name has at most ${hostnameMaxLength} characters.`;
  if (!hostnamePattern.test(name)) {
    return 'Use letters, digits and hyphens in dot-separated labels of up to 63 characters; a label cannot start or end with a hyphen.';
  }
  // All-numeric final labels would read as an IPv4 address to resolvers (RFC 1123 §2.1).
  if (/^[0-9.]+$/.test(name)) return 'A host name cannot be all digits and dots (it would read as an address).';
  return undefined;
}
