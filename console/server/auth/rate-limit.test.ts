import { describe, expect, it } from 'vitest';
import { addressKey, LoginRateLimiter, SlidingWindowLimiter } from './rate-limit.js';

const MINUTE = 60_000;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('LoginRateLimiter', () => {
  it('locks an account after 5 failures until the oldest leaves the 15-minute window', () => {
    const time = clock();
    const limiter = new LoginRateLimiter({ now: time.now });
    for (let i = 0; i < 5; i += 1) {
      expect(limiter.check('alice', '192.0.2.1').allowed).toBe(true);
      limiter.fail('alice', '192.0.2.1');
      time.advance(MINUTE);
    }
    // First failure at t=0, now t=5 min: locked for the 10 minutes until it is 15 minutes old.
    expect(limiter.check('alice', '198.51.100.9')).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(limiter.check('Alice ', '192.0.2.1').allowed).toBe(false);
    expect(limiter.check('bob', '203.0.113.5').allowed).toBe(true);
    time.advance(10 * MINUTE - 1000);
    expect(limiter.check('alice', '203.0.113.5')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(1000);
    expect(limiter.check('alice', '203.0.113.5')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('locks an address after 20 failures across accounts', () => {
    const time = clock();
    const limiter = new LoginRateLimiter({ now: time.now });
    for (let i = 0; i < 20; i += 1) limiter.fail(`user${i}`, '192.0.2.7');
    const decision = limiter.check('someone-new', '192.0.2.7');
    expect(decision.allowed).toBe(false);
    expect(decision.retryAfterSeconds).toBe(15 * 60);
    expect(limiter.check('someone-new', '192.0.2.8').allowed).toBe(true);
  });

  it('clears the account on success but keeps the address count', () => {
    const limiter = new LoginRateLimiter({ now: clock().now });
    for (let i = 0; i < 4; i += 1) limiter.fail('alice', '192.0.2.1');
    limiter.succeed('alice');
    for (let i = 0; i < 4; i += 1) limiter.fail('alice', '192.0.2.1');
    expect(limiter.check('alice', '192.0.2.2').allowed).toBe(true);
    for (let i = 0; i < 12; i += 1) limiter.fail(`other${i}`, '192.0.2.1');
    limiter.succeed('alice');
    expect(limiter.check('alice', '192.0.2.1').allowed).toBe(false);
  });

  it('counts attempts in flight, so a burst sent in parallel cannot all pass the check', () => {
    const time = clock();
    const limiter = new LoginRateLimiter({ now: time.now });
    const allowed = Array.from({ length: 20 }, () => limiter.check('alice', '192.0.2.1').allowed).filter(Boolean);
    expect(allowed).toHaveLength(5);
    expect(limiter.check('alice', '192.0.2.9')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    limiter.succeed('alice', '192.0.2.1');
    expect(limiter.check('alice', '192.0.2.1').allowed).toBe(true);
    // An attempt whose outcome never comes (the caller threw) stops counting after a while.
    for (let i = 0; i < 5; i += 1) limiter.check('bob', `198.51.100.${i}`);
    expect(limiter.check('bob', '198.51.100.9').allowed).toBe(false);
    time.advance(10_001);
    expect(limiter.check('bob', '198.51.100.9').allowed).toBe(true);
  });

  it('takes its limits from options', () => {
    const limiter = new LoginRateLimiter({ now: clock().now, account: { maxFailures: 2, windowMs: MINUTE } });
    limiter.fail('alice', 'a');
    limiter.fail('alice', 'b');
    expect(limiter.check('alice', 'c')).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('counts an IPv6 /64 as one address', () => {
    const limiter = new LoginRateLimiter({ now: clock().now, address: { maxFailures: 2, windowMs: MINUTE } });
    limiter.fail('a', '2001:db8:1:2::1');
    limiter.fail('b', '2001:db8:1:2:ffff::9');
    expect(limiter.check('c', '2001:db8:1:2:abcd::1').allowed).toBe(false);
    expect(limiter.check('c', '2001:db8:1:3::1').allowed).toBe(true);
  });
});

describe('SlidingWindowLimiter', () => {
  it('forgets expired keys as new failures arrive', () => {
    const time = clock();
    const limiter = new SlidingWindowLimiter({ maxFailures: 3, windowMs: MINUTE, now: time.now });
    for (let i = 0; i < 50; i += 1) limiter.fail(`old${i}`);
    time.advance(MINUTE);
    limiter.fail('new');
    expect(limiter.size).toBe(1);
  });

  it('caps the keys it tracks, dropping the least recently failed', () => {
    const time = clock();
    const limiter = new SlidingWindowLimiter({ maxFailures: 1, windowMs: 60 * MINUTE, maxKeys: 100, now: time.now });
    limiter.fail('keep');
    for (let i = 0; i < 1000; i += 1) {
      time.advance(1);
      limiter.fail(`flood${i}`);
      if (i % 50 === 0) limiter.fail('keep');
    }
    expect(limiter.size).toBe(100);
    expect(limiter.check('flood999').allowed).toBe(false);
    expect(limiter.check('flood0').allowed).toBe(true);
    expect(limiter.check('keep').allowed).toBe(false);
  });

  it('keeps only as many timestamps as can matter', () => {
    const time = clock();
    const limiter = new SlidingWindowLimiter({ maxFailures: 3, windowMs: 10 * MINUTE, now: time.now });
    for (let i = 0; i < 10; i += 1) {
      limiter.fail('k');
      time.advance(MINUTE);
    }
    // Latest three at 7, 8, 9 min; now 10 min: the one at 7 leaves at 17.
    expect(limiter.check('k')).toEqual({ allowed: false, retryAfterSeconds: 7 * 60 });
  });
});

describe('addressKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:DB8:0:1::5', '2001:db8:0:1::/64'],
    ['2001:0db8:0000:0001:0002:0003:0004:0005', '2001:db8:0:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unix-socket', 'unix-socket'],
  ])('%s → %s', (input, key) => {
    expect(addressKey(input)).toBe(key);
  });
});
