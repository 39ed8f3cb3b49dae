/**
 * Host tags as the pages show them: what a tag with a policy behind it means (the console's config decides;
 * these are its defaults), and the `tag:` filter a clicked tag puts in the host list's filter box.
 */

/** Hosts with this tag refuse a terminal that cannot be recorded (console config `recordingFailure.refuseTags`). */
export const fieldGatewayTag = 'field-gateway';

/** What a tag does, for tags the console acts on; other tags are only labels. */
export const tagMeanings: Readonly<Record<string, string>> = {
  [fieldGatewayTag]: 'Terminals on this host refuse to run unrecorded; one whose recording fails is closed.',
};

export function tagMeaning(tag: string): string | null {
  return tagMeanings[tag] ?? null;
}

const tagFilterPrefix = 'tag:';

/** The filter that shows only hosts with this tag. */
export function tagFilter(tag: string): string {
  return `${tagFilterPrefix}${tag}`;
}

/** The tag a `tag:NAME` filter asks for (lower-cased), or null for an ordinary filter. */
export function parseTagFilter(filter: string): string | null {
  const text = filter.trim().toLowerCase();
  return text.startsWith(tagFilterPrefix) ? text.slice(tagFilterPrefix.length).trim() : null;
}

/** Every tag in use, for suggestions, with the ones that carry a policy offered even before anyone used them. */
export function knownTags(hosts: readonly { tags: readonly string[] }[] | undefined): string[] {
  const tags = new Set<string>(Object.keys(tagMeanings));
  for (const host of hosts ?? []) for (const tag of host.tags) tags.add(tag);
  return [...tags].sort();
}
