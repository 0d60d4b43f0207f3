// Frontegg's delegation configuration (/configurations/v1/delegation): whether access tokens made
// by token exchange may carry an `act` (actor) claim. Stored as the delegationEnabled key of the
// vendor IDENTITY_CONFIG row (a jsonb merge, so it never clobbers the other keys there).
// Gatehouse has no token-exchange grant yet, so the setting is stored and reported, nothing more.
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { mergeVendorPolicyConfig, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { parseInput } from '../validation.ts';

const SetInput = z.object({ enabled: z.boolean().nullish() });

export function createDelegationService(deps: Pick<Deps, 'db' | 'clock'>) {
  const { db, clock } = deps;
  const enabledIn = (config: unknown) => (config as Record<string, unknown> | null)?.delegationEnabled === true;
  return {
    async get() {
      const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId('IDENTITY_CONFIG') }, select: { config: true } });
      return { enabled: enabledIn(row?.config ?? null) };
    },
    /** Frontegg makes `enabled` optional: leaving it out changes nothing. */
    async set(raw: z.input<typeof SetInput>) {
      const input = parseInput(SetInput, raw);
      if (input.enabled === null || input.enabled === undefined) return this.get();
      const config = await mergeVendorPolicyConfig(db, 'IDENTITY_CONFIG', { delegationEnabled: input.enabled }, clock.now());
      return { enabled: enabledIn(config) };
    },
  };
}

export type DelegationService = ReturnType<typeof createDelegationService>;
