/**
 * The Files tab: browse a host's folders and edit its text files. Where we are lives in the URL
 * (`?path=/etc&file=/etc/hosts`), so Back works and a link can be shared with a colleague.
 */
import { lazy, Suspense, useCallback } from 'react';
import { Skeleton, Stack } from '@mantine/core';
import { useSearchParams } from 'react-router';
import type { ModulePageMeta, ModulePageProps } from '../../console/web/src/types.js';
import { FileBrowser } from './FileBrowser.js';
import { PathBar } from './PathBar.js';
import { parentPath } from './filePaths.js';

// The title matches contract.title; a literal keeps zod out of the web bundle.
export const meta: ModulePageMeta = { title: 'Files', order: 20 };

const FileEditor = lazy(() => import('./FileEditor.js'));

export default function FilePage({ host }: ModulePageProps) {
  const [params, setParams] = useSearchParams();
  const file = params.get('file');
  const path = params.get('path') ?? (file ? parentPath(file) : '/');

  const navigate = useCallback(
    (next: string) => setParams({ path: next }),
    [setParams],
  );
  const openFile = useCallback(
    (next: string) => setParams({ path: parentPath(next), file: next }),
    [setParams],
  );
  const closeFile = useCallback(() => setParams({ path }), [setParams, path]);

  if (file) {
    return (
      <Suspense
        fallback={
          <Stack>
            <Skeleton height={36} />
            <Skeleton height={360} />
          </Stack>
        }
      >
        <FileEditor key={file} hostId={host.id} path={file} onClose={closeFile} />
      </Suspense>
    );
  }

  return (
    <Stack gap="sm">
      <PathBar path={path} onNavigate={navigate} />
      <FileBrowser hostId={host.id} path={path} onNavigate={navigate} onOpenFile={openFile} />
    </Stack>
  );
}
