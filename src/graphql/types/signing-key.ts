// Signing keys (vendor only): the JWKS's keys with their lifecycle, rotation and retirement.
// Only public facts leave: no key material at all (the public halves are in /.well-known/jwks.json).
// Rules in services/keys/signing-keys.service.ts.
import type { SigningKeyView } from '../../services/keys/signing-keys.service.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const SigningKeyStatus = builder.enumType('SigningKeyStatus', {
  values: {
    ACTIVE: { description: 'In the JWKS; verifies tokens (and signs them if it is the current key).' },
    RETIRED: { description: 'Out of the JWKS; tokens it signed no longer verify; its private half is erased.' },
  },
});

const SigningKey = builder.objectRef<SigningKeyView>('SigningKey').implement({
  description: 'A JWT signing key. The newest ACTIVE key of the configured algorithm signs; every ACTIVE key verifies.',
  fields: (t) => ({
    kid: t.exposeID('kid', { description: 'The JWK `kid` (JWT header).' }),
    algorithm: t.exposeString('algorithm'),
    status: t.field({ type: SigningKeyStatus, resolve: (k) => k.status }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true }),
    current: t.exposeBoolean('current', { description: 'This key signs new tokens.' }),
  }),
});

builder.queryFields((t) => ({
  signingKeys: t.field({
    type: [SigningKey],
    description: 'Vendor only: every signing key, newest first.',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.signingKeys.list(),
  }),
}));

builder.mutationFields((t) => ({
  rotateSigningKey: t.field({
    type: SigningKey,
    description: 'Vendor only: a new key signs from now on (on every instance); the previous keys keep verifying until retired.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    resolve: (_root, _args, ctx) => ctx.services.signingKeys.rotate(),
  }),
  retireSigningKey: t.field({
    type: SigningKey,
    description: 'Vendor only: the key leaves the JWKS and its tokens stop verifying (on every instance). The current key cannot be retired (signing_key_in_use): rotate first.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { kid: t.arg.id({ required: true }) },
    resolve: (_root, { kid }, ctx) => ctx.services.signingKeys.retire(String(kid)),
  }),
}));
