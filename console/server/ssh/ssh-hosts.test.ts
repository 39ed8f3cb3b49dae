import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { newEd25519KeyPair } from './ssh-hosts.js';

describe('the console’s own SSH keys', () => {
  it('are always readable back, unlike about one in 300 straight from ssh2’s generator', () => {
    for (let i = 0; i < 1500; i++) {
      const pair = newEd25519KeyPair('gatehouse-console@test');
      const parsed = ssh2.utils.parseKey(pair.private);
      expect(parsed).not.toBeInstanceOf(Error);
      expect(pair.public).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} gatehouse-console@test$/);
    }
  });
});
