/**
 * Module pages are found, not listed: every `modules/<name>/page.tsx` is a tab on the host page, shown when
 * the host's agent serves that module. A page exports its component as default and `meta` (title, order);
 * without `meta` the tab is titled with the module's name and goes last.
 */
import type { ComponentType } from 'react';
import type { ModulePageMeta, ModulePageProps } from './types.js';

interface PageModule {
  default: ComponentType<ModulePageProps>;
  meta?: ModulePageMeta;
}

export interface ModulePage {
  /** The module's name: its folder under modules/, as listed in `host.modules`. */
  name: string;
  title: string;
  order: number;
  /** Stays mounted once opened (ModulePageMeta.keepMounted). */
  keepMounted: boolean;
  Page: ComponentType<ModulePageProps>;
}

// Eager: the tabs need every page's title before any page is opened. Pages keep heavy parts (the code
// editor) behind their own lazy imports.
const pageModules = import.meta.glob<PageModule>('../../../modules/*/page.tsx', { eager: true });

export const modulePages: readonly ModulePage[] = Object.entries(pageModules)
  .map(([file, module]) => {
    const name = /modules\/([^/]+)\/page\.tsx$/.exec(file)?.[1] ?? file;
    return {
      name,
      title: module.meta?.title ?? name,
      order: module.meta?.order ?? 1000,
      keepMounted: module.meta?.keepMounted ?? false,
      Page: module.default,
    };
  })
  .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));

/** The pages for the modules this host serves, in tab order. */
export function pagesForModules(modules: readonly string[]): ModulePage[] {
  return modulePages.filter((page) => modules.includes(page.name));
}
