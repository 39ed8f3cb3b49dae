import { describe, expect, it } from 'vitest';
import { ChunkQueue, ReceiveCredit, SendCredit } from './flow.js';

describe('SendCredit', () => {
  it('lets a sender spend its window, then waits for a grant', async () => {
    const credit = new SendCredit(100);
    await credit.spend(60);
    await credit.spend(40);
    let sent = false;
    const waiting = credit.spend(10).then(() => {
      sent = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toBe(false);
    credit.grant(10);
    await waiting;
    expect(sent).toBe(true);
    expect(credit.available).toBe(0);
  });

  it('never overdraws: a chunk waits until all of it fits', async () => {
    const credit = new SendCredit(100);
    await credit.spend(90);
    let sent = false;
    const waiting = credit.spend(20).then(() => {
      sent = true;
    });
    credit.grant(5);
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toBe(false);
    credit.grant(5);
    await waiting;
    expect(credit.available).toBe(0);
  });

  it('releases waiters with an error when the channel closes', async () => {
    const credit = new SendCredit(0);
    const waiting = credit.spend(1);
    credit.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});

describe('ReceiveCredit', () => {
  it('detects a sender that overruns its credit', () => {
    const credit = new ReceiveCredit(100);
    expect(credit.received(100)).toBe(true);
    expect(credit.received(1)).toBe(false);
  });

  it('returns credit in batches of a quarter window as bytes are consumed', () => {
    const credit = new ReceiveCredit(100);
    credit.received(100);
    expect(credit.consumed(10)).toBe(0);
    expect(credit.consumed(15)).toBe(25);
    expect(credit.consumed(25)).toBe(25);
  });
});

describe('ChunkQueue', () => {
  it('hands chunks over in order, then ends', async () => {
    const queue = new ChunkQueue();
    queue.push(Buffer.from('a'));
    const later = queue.next();
    queue.push(Buffer.from('b'));
    queue.end();
    expect(String(await later)).toBe('a');
    expect(String(await queue.next())).toBe('b');
    expect(await queue.next()).toBeUndefined();
  });

  it('wakes a waiting reader with the failure', async () => {
    const queue = new ChunkQueue();
    const waiting = queue.next();
    queue.fail(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
