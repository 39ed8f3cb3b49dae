/**
 * Reading file content: the editor's bounded text read, versions (sha256 of the bytes), and downloads.
 * Every open is of a jailed real path, with O_NOFOLLOW so a symlink swapped in after the check is not followed,
 * and (given the roots) the opened handle is checked to lie inside them, so a directory swapped for a link
 * higher up is caught too (held.ts).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { maxTextFileBytes } from './contract.js';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';
import type { AgentStream } from '../kernel/handler.js';
import { openChecked, type CheckedRoots } from './held.js';
import { maxDataChunkBytes } from '../kernel/wire.js';

/** How far into a file a NUL byte marks it as binary, as git and grep look. */
const binarySniffBytes = 8 * 1024;
/** Chunk size when hashing a file for a version check. */
const hashChunkBytes = 256 * 1024;

/** The version string of some bytes: `sha256:` and the hex digest. */
export function versionOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Open a regular file for reading. Directories are `is-a-directory`; devices, FIFOs and sockets are refused,
 * since reading /dev/zero never ends and opening a FIFO blocks (O_NONBLOCK keeps that open from hanging).
 */
export async function openRegularFile(
  path: string,
  roots?: CheckedRoots,
  shownAs: string = path,
): Promise<{ handle: FileHandle; stats: Stats }> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  let handle: FileHandle;
  try {
    // With roots, the handle is checked to lie inside them (held.ts); without, `path` already goes through a
    // held, checked directory. Either way a symlink at the end is refused, not followed.
    handle = roots !== undefined ? await openChecked(path, flags, roots) : await open(path, flags);
  } catch (err) {
    // The jail returned a real path, so a symlink here was put in place after the check: refuse, don't follow.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new GatehouseError('policy-denied', 'The path became a symbolic link after it was checked', { path: shownAs });
    }
    throw problemFromSystemError(err, { path: shownAs });
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new GatehouseError('is-a-directory', 'Is a directory', { path: shownAs });
    if (!stats.isFile()) throw new GatehouseError('not-supported', 'Only regular files can be read', { path: shownAs });
    return { handle, stats };
  } catch (err) {
    await handle.close();
    throw problemFromSystemError(err, { path: shownAs });
  }
}

/** Read a text file for the editor: bounded, UTF-8 only, with its version. */
export async function readTextFile(
  path: string,
  roots?: CheckedRoots,
): Promise<{ content: string; version: string; size: number; mode: number }> {
  const { handle, stats } = await openRegularFile(path, roots);
  try {
    if (stats.size > maxTextFileBytes) throw tooLarge(path, stats.size);
    // Read one byte past the limit: the file may have grown since fstat.
    const buffer = Buffer.alloc(maxTextFileBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxTextFileBytes) throw tooLarge(path, length);
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.subarray(0, binarySniffBytes).includes(0)) throw binary(path);
    let content: string;
    try {
      // ignoreBOM keeps a byte-order mark in the text, so saving unchanged text gives back the same bytes.
      content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw binary(path);
    }
    return { content, version: versionOf(bytes), size: length, mode: stats.mode & 0o7777 };
  } finally {
    await handle.close();
  }
}

/** The version of a file as it is now, or undefined when it does not exist. `at` may go through a held handle. */
export async function currentVersion(at: string, shownAs: string = at): Promise<string | undefined> {
  let opened: { handle: FileHandle; stats: Stats };
  try {
    opened = await openRegularFile(at, undefined, shownAs);
  } catch (err) {
    if (err instanceof GatehouseError && err.code === 'not-found') return undefined;
    throw err;
  }
  const hash = createHash('sha256');
  try {
    const buffer = Buffer.alloc(hashChunkBytes);
    for (;;) {
      const { bytesRead } = await opened.handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await opened.handle.close();
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Send a file's bytes on a download stream. Each write waits for flow-control credit, so a slow browser slows
 * the disk reads instead of filling memory. The version is of the bytes actually sent.
 */
export async function sendFile(
  path: string,
  stream: AgentStream,
  roots?: CheckedRoots,
): Promise<{ size: number; version: string }> {
  const { handle } = await openRegularFile(path, roots);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for (;;) {
      if (stream.signal.aborted) throw new GatehouseError('cancelled', 'The download was cancelled', { path });
      // A fresh buffer per chunk: the stream may still hold the previous one until it reaches the wire.
      const chunk = Buffer.allocUnsafe(maxDataChunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const payload = chunk.subarray(0, bytesRead);
      hash.update(payload);
      size += bytesRead;
      await stream.write(payload);
    }
  } catch (err) {
    throw problemFromSystemError(err, { path });
  } finally {
    await handle.close();
  }
  return { size, version: `sha256:${hash.digest('hex')}` };
}

function tooLarge(path: string, size: number): GatehouseError {
  return new GatehouseError(
    'too-large',
    `The file is ${size} bytes; the editor opens files up to ${maxTextFileBytes} bytes. Use download instead.`,
    { path, size },
  );
}

function binary(path: string): GatehouseError {
  return new GatehouseError('binary-file', 'The file is not UTF-8 text; use download instead', { path });
}
