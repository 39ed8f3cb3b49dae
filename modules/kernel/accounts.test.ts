import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { groupEntries, groupPath, passwdEntries, passwdPath } from './accounts.js';

describe('passwdEntries', () => {
  it('reads name, ids, home and shell, skipping comments, NIS markers and broken lines', () => {
    const text = [
      '# comment',
      'root:x:0:0:root:/root:/bin/bash',
      '+nis',
      '-excluded:x:5:5::/:/bin/sh',
      'bad:x:y:0::/:/bin/sh',
      'nogid:x:7',
      'www:x:33:33::/var/www:',
      '',
    ].join('\n');
    expect(passwdEntries(text)).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'www', uid: 33, gid: 33, home: '/var/www', shell: '' },
    ]);
  });

  it('reads the host’s real file', async () => {
    expect(passwdEntries(await readFile(passwdPath, 'utf8'))).toContainEqual(expect.objectContaining({ name: 'root', uid: 0 }));
  });
});

describe('groupEntries', () => {
  it('reads name, id and members', () => {
    expect(groupEntries('root:x:0:\noperators:x:2000:scada,alice\n# x\nbroken:x:\n')).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'operators', gid: 2000, members: ['scada', 'alice'] },
    ]);
  });

  it('reads the host’s real file', async () => {
    expect(groupEntries(await readFile(groupPath, 'utf8'))).toContainEqual(expect.objectContaining({ name: 'root', gid: 0 }));
  });
});
