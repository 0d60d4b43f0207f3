// argon2id (OWASP parameters by default; cheaper only when tests configure them).
// Hashing runs on libuv's thread pool; a semaphore bounds concurrent hashes so a burst of
// logins queues instead of allocating memoryCost × N at once (logto password-encryption worker).
import argon2 from 'argon2';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against `hash`, or against a dummy hash when `hash` is null (unknown user): same cost either way. */
  verify(hash: string | null, password: string): Promise<boolean>;
  /** True when `hash` was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean;
  params: Argon2Params;
}

class Semaphore {
  #free: number;
  #queue: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

export function createPasswordHasher(params: Argon2Params, concurrency = 4): PasswordHasher {
  const options = { type: argon2.argon2id, ...params } as const;
  const pool = new Semaphore(concurrency);
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= argon2.hash(`dummy-${Math.random()}`, options));
  return {
    params,
    hash: (password) => pool.run(() => argon2.hash(password, options)),
    async verify(hash, password) {
      const target = hash ?? (await dummyHash());
      const ok = await pool.run(() => argon2.verify(target, password).catch(() => false));
      return ok && hash !== null;
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
  };
}
