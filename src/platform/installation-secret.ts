import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from './crypto.ts';

/**
 * The installation secret: from config, or generated once into DATA_DIR/secret (mode 0600).
 * Losing it makes encrypted signing keys, TOTP seeds and stored token hashes unusable.
 */
export function resolveInstallationSecret(configured: string | null, dataDir: string): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const file = path.join(dataDir, 'secret');
  try {
    return { secret: fs.readFileSync(file, 'utf8').trim(), generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomToken(48);
  // 'wx': never overwrite a secret another process wrote meanwhile.
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, generated: true };
}
