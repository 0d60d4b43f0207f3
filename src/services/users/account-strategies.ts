// Activation and invitation strategies (Frontegg's configurations/v1/{activation,invitation}/
// strategies): whether the email carries a one-time link or a 6-digit code the user types in, and
// how long that code lives. Vendor-wide policy rows (tenantId null) of type ACTIVATION_STRATEGY /
// INVITATION_STRATEGY; no row means the link strategy.
import { z } from 'zod';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { upsertPolicyRow, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { parseInput } from '../validation.ts';

export type StrategyKind = 'ACTIVATION_STRATEGY' | 'INVITATION_STRATEGY';

/** Minutes an emailed code lives when the strategy does not say (codes are guessable: keep it short). */
export const DEFAULT_CODE_EXPIRATION_MINUTES = 30;
/** Tries a code allows (the right one included); then it is dead. */
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_DIGITS = 6;

export interface AccountStrategy {
  strategy: 'link' | 'code';
  /** Minutes a code stays valid (links keep their own lifetime). */
  codeExpiration: number;
}

const StrategyInput = z.object({
  strategy: z.enum(['link', 'code']).nullish(),
  codeExpiration: z.number().int().min(1).max(7 * 24 * 60).nullish(),
});

const StoredStrategy = z.object({
  strategy: z.enum(['link', 'code']).catch('link'),
  codeExpiration: z.number().int().positive().catch(DEFAULT_CODE_EXPIRATION_MINUTES),
});

export async function readStrategy(db: Deps['db'], kind: StrategyKind): Promise<AccountStrategy> {
  const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId(kind) }, select: { config: true } });
  return StoredStrategy.parse(row?.config ?? {});
}

export function createAccountStrategiesService({ db }: Pick<Deps, 'db'>) {
  return {
    get: (kind: StrategyKind) => readStrategy(db, kind),

    /** Vendor: sets the strategy; fields left out keep their current value. */
    async set(kind: StrategyKind, raw: z.input<typeof StrategyInput>) {
      const input = parseInput(StrategyInput, raw);
      const current = await readStrategy(db, kind);
      const next: AccountStrategy = {
        strategy: input.strategy ?? current.strategy,
        codeExpiration: input.codeExpiration ?? current.codeExpiration,
      };
      await upsertPolicyRow(db, kind, null, next as unknown as Prisma.InputJsonObject);
      return next;
    },
  };
}

export type AccountStrategiesService = ReturnType<typeof createAccountStrategiesService>;
