// The SMS sender chosen from configuration: the development outbox (a ring of the last messages),
// the production refusal without a provider, and the HTTP provider's error mapping.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { SmsDeliveryError, createSmsOutbox, createSmsSender } from '../../src/platform/sms.ts';

const logger = createLogger('silent');

describe('SMS sender', () => {
  it('keeps the last messages only in the development outbox', async () => {
    const sms = createSmsOutbox({ size: 3, from: 'Dev' });
    for (let i = 0; i < 5; i++) await sms.send({ to: `+1201555000${i}`, body: `m${i}` });
    expect(sms.kind).toBe('outbox');
    expect(sms.outbox!.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
    expect(sms.outbox![0]!.from).toBe('Dev');
  });

  it('refuses in production without a provider, and uses the outbox in development', async () => {
    const prod = createSmsSender({ url: null, token: null, from: null, env: 'production' }, logger);
    expect(prod.available).toBe(false);
    expect(prod.outbox).toBeNull();
    await expect(prod.send({ to: '+12015550000', body: 'x' })).rejects.toBeInstanceOf(SmsDeliveryError);
    const dev = createSmsSender({ url: null, token: null, from: null, env: 'development' }, logger);
    expect(dev.kind).toBe('outbox');
  });

  it('turns an unreachable provider into SmsDeliveryError', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const sms = createSmsSender({ url: 'http://127.0.0.1:9/sms', token: null, from: null, env: 'production', fetch: failing }, logger);
    expect(sms.kind).toBe('http');
    await expect(sms.send({ to: '+12015550000', body: 'x' })).rejects.toBeInstanceOf(SmsDeliveryError);
  });
});
