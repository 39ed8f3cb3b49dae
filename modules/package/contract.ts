import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';

/**
 * A package name as Debian policy allows it (lower case letters, digits, + - .; at least two characters,
 * starting with a letter or digit), checked before any program sees it. rpm names are looser, but every name
 * Gatehouse passes to a package manager must also pass this, so nothing can be read as an option or a glob.
 */
export const packageName = z
  .string()
  .min(2)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9+.-]+$/, 'must be a package name such as nginx or libssl3 (a-z, 0-9, + - .)');

/** Search words: letters, digits and + - . _, space-separated, none starting with `-`. */
export const searchQuery = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9+._-]*( [A-Za-z0-9][A-Za-z0-9+._-]*)*$/, 'must be words of letters, digits and + - . _');

export const managers = ['apt', 'dnf', 'yum', 'none'] as const;

/**
 * A package file already on the host (e.g. uploaded with the Files page): an absolute path without control
 * characters. The agent resolves it and checks what it really is (a regular .deb or .rpm file) before use.
 */
export const packageFilePath = z
  .string()
  .max(4096)
  .regex(/^\//, 'must be an absolute path such as /root/tool_1.0_all.deb')
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain NUL, newlines or other control characters');

const text = (max: number) => z.string().max(max);

export const installedPackageSchema = z.object({
  name: text(256),
  version: text(256),
  architecture: text(64),
  /** Installed size in bytes (dpkg's Installed-Size is in KiB; rpm's SIZE in bytes). */
  sizeBytes: z.number().nonnegative(),
  summary: text(1024),
  /** dpkg's status abbreviation (ii, iF, hi, …) or `installed` for rpm. */
  status: text(16),
});
export type InstalledPackage = z.infer<typeof installedPackageSchema>;

export const upgradeSchema = z.object({
  name: text(256),
  current: text(256),
  available: text(256),
  architecture: text(64),
  /** Where the new version comes from, as apt says it: Origin:Version/Archive, comma-separated. */
  origin: text(1024),
  /** True when the new version comes from a security archive (an origin or suite naming "security"). */
  security: z.boolean(),
});
export type PackageUpgrade = z.infer<typeof upgradeSchema>;

const names = z.array(packageName).min(1).max(100);

/** How a package operation ended: `needsConfigure` says dpkg was left half-done and `dpkg --configure -a` is due. */
const operationResult = z.object({
  exitCode: z.number().int(),
  cancelled: z.boolean(),
  needsConfigure: z.boolean(),
  message: text(2048),
});
export type PackageOperationResult = z.infer<typeof operationResult>;

export const contract = defineModule({
  name: 'package',
  title: 'Software',
  permissions: {
    'package.read': {
      risk: 'read',
      summary: 'See the installed software packages, search the package index, and list available updates.',
    },
    'package.install': {
      risk: 'change',
      summary: 'Refresh the package index, install packages and apply updates.',
    },
    'package.remove': {
      risk: 'dangerous',
      summary: 'Remove installed software packages (which can take down what depends on them).',
    },
  },
  methods: {
    list: {
      summary: 'The package manager and every installed package with version, architecture, size and summary.',
      permission: 'package.read',
      params: z.object({}).strict().default({}),
      result: z.object({
        manager: z.enum(managers),
        packages: z.array(installedPackageSchema),
        /** dpkg was interrupted before (e.g. a cancelled install): `dpkg --configure -a` should be run. */
        needsConfigure: z.boolean(),
      }),
    },
    search: {
      summary: 'Search the package index by name and description.',
      permission: 'package.read',
      params: z.object({ query: searchQuery, limit: z.number().int().min(1).max(500).default(200) }).strict(),
      result: z.object({
        results: z.array(z.object({ name: text(256), summary: text(1024), installed: z.boolean() })),
        truncated: z.boolean(),
      }),
    },
    details: {
      summary: 'One package: installed and candidate versions, size, section, maintainer, homepage, dependencies, description.',
      permission: 'package.read',
      params: z.object({ name: packageName }).strict(),
      result: z.object({
        name: text(256),
        installedVersion: text(256).optional(),
        candidateVersion: text(256).optional(),
        architecture: text(64),
        section: text(256),
        maintainer: text(1024),
        homepage: text(2048),
        sizeBytes: z.number().nonnegative().optional(),
        downloadBytes: z.number().nonnegative().optional(),
        depends: text(8192),
        summary: text(1024),
        description: text(32 * 1024),
      }),
    },
    upgrades: {
      summary: 'Packages with a newer version in the index (as of the last refresh), security updates marked.',
      permission: 'package.read',
      params: z.object({}).strict().default({}),
      result: z.object({ manager: z.enum(managers), upgrades: z.array(upgradeSchema) }),
    },
  },
  streams: {
    refresh: {
      summary: 'Refresh the package index (apt-get update, dnf makecache); output streams live.',
      permission: 'package.install',
      direction: 'download',
      params: z.object({}).strict().default({}),
      result: operationResult,
    },
    install: {
      summary: 'Install packages with their dependencies; output streams live, cancel stops the package manager.',
      permission: 'package.install',
      direction: 'download',
      params: z.object({ names }).strict(),
      result: operationResult,
    },
    upgrade: {
      summary: 'Upgrade the named packages, or every package when no names are given; output streams live.',
      permission: 'package.install',
      direction: 'download',
      params: z.object({ names: names.optional() }).strict().default({}),
      result: operationResult,
    },
    remove: {
      summary: 'Remove packages (configuration files stay unless purge); output streams live.',
      permission: 'package.remove',
      direction: 'download',
      params: z.object({ names, purge: z.boolean().default(false) }).strict(),
      result: operationResult,
    },
    installFile: {
      summary: 'Install a package file on the host (.deb with apt, .rpm with dnf/yum) with its dependencies; output streams live.',
      permission: 'package.install',
      direction: 'download',
      params: z.object({ path: packageFilePath }).strict(),
      result: operationResult,
    },
  },
});
