/**
 * Host names and tags in memory, for routing, maintenance windows and message text: the pager asks on every raise
 * and must not wait on a query. Kept current from the host directory's own change events.
 */
import type { HostView } from '../../../modules/kernel/console-api.js';
import type { HostDirectory } from '../hosts.js';

export class HostLabels {
  readonly #hosts = new Map<string, { name: string; tags: readonly string[] }>();

  static async load(directory: HostDirectory): Promise<HostLabels> {
    const labels = new HostLabels();
    for (const host of await directory.list()) labels.#set(host);
    directory.on('changed', (host) => labels.#set(host));
    directory.on('removed', (hostId) => labels.#hosts.delete(hostId));
    return labels;
  }

  name(hostId: string): string | undefined {
    return this.#hosts.get(hostId)?.name;
  }

  tags(hostId: string): readonly string[] {
    return this.#hosts.get(hostId)?.tags ?? [];
  }

  #set(host: HostView): void {
    this.#hosts.set(host.id, { name: host.name, tags: host.tags });
  }
}
