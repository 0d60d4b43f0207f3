// A software WebAuthn authenticator and browser in one (ES256, attestation "none"): it answers
// registration and authentication options the way navigator.credentials.create/get + toJSON
// would, so tests drive the server with real signatures. Knobs let a test lie about the origin,
// the challenge, the RP id, the counter or user verification.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

// Plain CBOR as authenticators write it: byte strings untagged, maps with integer keys untagged.

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64u = (b: Buffer) => b.toString('base64url');

export interface CeremonyOverrides {
  origin?: string;
  challenge?: string;
  rpId?: string;
  /** Signature counter to report (defaults to the next one). */
  counter?: number;
  /** Whether the user was verified (PIN/biometrics). */
  userVerified?: boolean;
  type?: string;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private counter = 0;
  private userHandle: string | undefined;

  constructor(
    readonly origin: string,
    private readonly o: { userVerified?: boolean; attachment?: 'platform' | 'cross-platform' } = {},
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id() {
    return b64u(this.credentialId);
  }

  private flags(extra: number, uv: boolean) {
    // UP (user present) always; UV when verified; plus AT (attested data) at registration.
    return 0x01 | (uv ? 0x04 : 0) | extra;
  }

  private coseKey() {
    const jwk = this.publicKey.export({ format: 'jwk' });
    // COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
    return Buffer.from(
      encodeCBOR(
        new Map<number, number | Uint8Array>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x!, 'base64url')],
          [-3, Buffer.from(jwk.y!, 'base64url')],
        ]),
      ),
    );
  }

  private clientData(type: string, challenge: string, x: CeremonyOverrides) {
    return Buffer.from(JSON.stringify({ type: x.type ?? type, challenge: x.challenge ?? challenge, origin: x.origin ?? this.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON. */
  create(options: CreationOptions, x: CeremonyOverrides = {}) {
    const rpId = x.rpId ?? options.rp.id!;
    this.userHandle = options.user.id;
    const uv = x.userVerified ?? this.o.userVerified ?? true;
    const credIdLen = Buffer.alloc(2);
    credIdLen.writeUInt16BE(this.credentialId.length);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(x.counter ?? this.counter);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(0x40, uv)]),
      count,
      Buffer.alloc(16), // AAGUID: zeros for attestation "none"
      credIdLen,
      this.credentialId,
      this.coseKey(),
    ]);
    const attestationObject = Buffer.from(encodeCBOR(new Map<string, CBORType>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]])));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      authenticatorAttachment: this.o.attachment ?? 'cross-platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(this.clientData('webauthn.create', options.challenge, x)),
        attestationObject: b64u(attestationObject),
        transports: this.o.attachment === 'platform' ? ['internal'] : ['usb'],
      },
    };
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON, signed over authData || SHA-256(clientDataJSON). */
  get(options: RequestOptions, x: CeremonyOverrides = {}) {
    const rpId = x.rpId ?? options.rpId!;
    const uv = x.userVerified ?? this.o.userVerified ?? true;
    if (x.counter === undefined) this.counter += 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(x.counter ?? this.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(0, uv)]), count]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, x);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      authenticatorAttachment: this.o.attachment ?? 'cross-platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
    };
  }
}
