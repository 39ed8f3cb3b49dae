import { describe, expect, it } from 'vitest';
import { HostNames } from './host-check.js';

describe('HostNames', () => {
  const names = new HostNames(['https://console.example:8443']);

  it('answers to IP literals, localhost and configured names', () => {
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080', 'console.example:8443', 'CONSOLE.example']) {
      expect(names.allows(host), host).toBe(true);
    }
  });

  it('refuses other names (DNS rebinding) and missing or broken Host headers', () => {
    for (const host of ['attacker.example:8080', 'console.example.attacker.example', '', undefined, 'a b']) {
      expect(names.allows(host), String(host)).toBe(false);
    }
  });
});
