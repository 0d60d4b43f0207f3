// The MFA shapes a login can answer with (shared by auth.ts's login union and mfa.ts), kept
// apart so the two type files do not import each other.
import type { MfaChallenge, MfaDevicesView } from '../../services/mfa/mfa.service.ts';
import { builder } from '../builder.ts';

const MfaDeviceRef = builder.objectRef<{ id: string }>('MfaDeviceRef').implement({
  description: 'A second-factor device of a kind this build does not enrol yet (always empty lists).',
  fields: (t) => ({ id: t.exposeID('id') }),
});

const MfaAuthenticator = builder.objectRef<MfaDevicesView['authenticators'][number]>('MfaAuthenticator').implement({
  description: 'A verified authenticator app.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const MfaPhone = builder.objectRef<MfaDevicesView['phones'][number]>('MfaPhone').implement({
  description: 'A verified SMS second factor; the number is masked.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phoneNumber: t.exposeString('phoneNumber', { description: 'Masked, e.g. +15*****4567.' }),
  }),
});

/** A WebAuthn device (MFA security key / platform authenticator, or passkey); never its key material. */
export const WebAuthnDevice = builder.objectRef<MfaDevicesView['webauthn'][number]>('WebAuthnDevice').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    deviceType: t.exposeString('deviceType', { description: 'Platform (built into the device) or CrossPlatform (a roaming key).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const MfaDevices = builder.objectRef<MfaDevicesView>('MfaDevices').implement({
  description: "A user's verified second factors, grouped like Frontegg's mfaDevices.",
  fields: (t) => ({
    authenticators: t.field({ type: [MfaAuthenticator], resolve: (d) => d.authenticators }),
    phones: t.field({ type: [MfaPhone], resolve: (d) => d.phones }),
    webauthn: t.field({ type: [WebAuthnDevice], resolve: (d) => d.webauthn }),
    emails: t.field({ type: [MfaDeviceRef], resolve: (d) => d.emails }),
  }),
});

export const MfaRequired = builder.objectRef<MfaChallenge>('MfaRequired').implement({
  description: 'The password was right but a second factor is needed: no tokens yet. Finish with verifyMfaLogin.',
  fields: (t) => ({
    mfaRequired: t.boolean({ resolve: () => true }),
    mfaToken: t.exposeString('mfaToken', { description: 'Single use, valid 10 minutes, at most 5 code attempts.' }),
    userId: t.exposeID('userId'),
    mfaEnrolled: t.boolean({
      description: 'False when MFA is forced and the user has no device yet: enrol one (or use an enabled email code) with the mfaToken.',
      resolve: (c) => c.mfaEnrolled ?? true,
    }),
    mfaDevices: t.field({ type: MfaDevices, resolve: (c) => c.mfaDevices }),
    mfaStrategies: t.stringList({ resolve: (c) => [...c.mfaStrategies] }),
  }),
});
