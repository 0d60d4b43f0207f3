// A user's phone numbers (UserPhoneNumber). Self-service numbers start unverified and are
// verified by a code sent to them; deleting a verified number needs a code sent to it too (so a
// stolen session cannot quietly remove the owner's recovery channel). The vendor adds numbers
// verified and deletes without a code. Lists are confined to the caller's tenant.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { idSchema, parseInput } from '../validation.ts';
import { e164Schema } from './phone.ts';
import { assertSmsAvailable, consumeSmsCode, issueSmsCode, sendSmsCode } from './sms-codes.ts';

type PhoneDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'sms' | 'logger'> & ThrottleDeps;

const AddInput = z.object({ phoneNumber: e164Schema, verify: z.boolean().nullish() });
const VerifyInput = z.object({ otcToken: z.string().min(1, 'otcToken is required').max(512), code: z.string().trim().min(1, 'code is required').max(32) });
const ListInput = z.object({
  limit: z.number().int().min(1).max(200).nullish(),
  offset: z.number().int().min(0).nullish(),
  sortBy: z.enum(['userId', 'phoneNumber', 'createdAt']).nullish(),
  order: z.enum(['ASC', 'DESC', 'asc', 'desc']).nullish(),
  phoneNumber: z.string().trim().max(32).nullish(),
  userIds: z.array(idSchema).max(200).nullish(),
});

export function createPhoneNumbersService(deps: PhoneDeps) {
  const { db, clock } = deps;

  async function sendVerification(userId: string, phone: { id: string; phoneNumber: string }, action: 'add' | 'delete') {
    assertSmsAvailable(deps);
    const { otcToken, code } = await issueSmsCode(deps, { type: 'PHONE_VERIFICATION', userId, phone: phone.phoneNumber, payload: { phoneId: phone.id, action } });
    await sendSmsCode(deps, phone.phoneNumber, 'VerifyPhone', code);
    return otcToken;
  }

  /** A code sent to one of the user's numbers, under the user's budget of wrong codes. */
  const verifyCode = (userId: string, input: { otcToken: string; code: string }) =>
    deps.throttle.attempt('code', { account: userId }, () => consumeSmsCode(deps, { type: 'PHONE_VERIFICATION', userId, ...input }, 'sms_code_invalid'), {
      flow: 'phone',
    });

  return {
    /**
     * Numbers of the users of `tenantId` (null: the vendor, every user). `_offset` is a page
     * number, as in Frontegg.
     */
    async list<Q extends object>(tenantId: string | null, raw: z.input<typeof ListInput>, query?: Q) {
      const input = parseInput(ListInput, raw);
      const take = input.limit ?? 50;
      const order = (input.order ?? 'ASC').toLowerCase() as 'asc' | 'desc';
      const digits = input.phoneNumber?.replace(/[^\d+]/g, '');
      return db.userPhoneNumber.findMany({
        ...(query ?? {}),
        where: {
          ...(tenantId ? { user: { memberships: { some: { tenantId } } } } : {}),
          ...(input.userIds ? { userId: { in: input.userIds } } : {}),
          ...(digits ? { phoneNumber: { contains: digits } } : {}),
        },
        orderBy: [{ [input.sortBy ?? 'createdAt']: order }, { id: 'asc' }],
        take,
        skip: (input.offset ?? 0) * take,
      });
    },

    mine<Q extends object>(userId: string, query?: Q) {
      return db.userPhoneNumber.findMany({ ...(query ?? {}), where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    /**
     * Adds a number for the user (unverified) and, unless verify is false, sends it a code.
     * Adding a number the user already has unverified sends a fresh code; a verified one is a conflict.
     */
    async add(userId: string, raw: z.input<typeof AddInput>) {
      const input = parseInput(AddInput, raw);
      const existing = await db.userPhoneNumber.findUnique({ where: { userId_phoneNumber: { userId, phoneNumber: input.phoneNumber } } });
      if (existing?.verifiedAt) fail('phone_number_exists');
      if (input.verify !== false) {
        assertSmsAvailable(deps);
        await deps.throttle.request('phone', { account: userId });
      }
      const phone =
        existing ??
        (await db.userPhoneNumber.upsert({
          // An upsert, so a concurrent add of the same number cannot fail on the unique index.
          where: { userId_phoneNumber: { userId, phoneNumber: input.phoneNumber } },
          create: { userId, phoneNumber: input.phoneNumber },
          update: {},
        }));
      const otcToken = input.verify === false ? null : await sendVerification(userId, phone, 'add');
      return { id: phone.id, phoneNumber: phone.phoneNumber, verified: Boolean(phone.verifiedAt), otcToken };
    },

    /** Confirms a number with the code sent to it. */
    async verify(userId: string, raw: z.input<typeof VerifyInput>) {
      const input = parseInput(VerifyInput, raw);
      const used = await verifyCode(userId, input);
      if (used.payload.action !== 'add' || !used.payload.phoneId) fail('sms_code_invalid');
      const { count } = await db.userPhoneNumber.updateMany({ where: { id: used.payload.phoneId, userId }, data: { verifiedAt: clock.now() } });
      if (!count) fail('phone_number_not_found');
      return db.userPhoneNumber.findUniqueOrThrow({ where: { id: used.payload.phoneId } });
    },

    /** Deletes an unverified number at once; a verified one gets a code to confirm with. */
    async requestDelete(userId: string, rawId: string) {
      const id = parseInput(idSchema, rawId);
      const phone = (await db.userPhoneNumber.findFirst({ where: { id, userId } })) ?? fail('phone_number_not_found');
      if (!phone.verifiedAt) {
        await db.userPhoneNumber.deleteMany({ where: { id, userId } });
        return { deleted: true, otcToken: null };
      }
      await deps.throttle.request('phone', { account: userId });
      return { deleted: false, otcToken: await sendVerification(userId, phone, 'delete') };
    },

    async verifyDelete(userId: string, rawId: string, raw: z.input<typeof VerifyInput>) {
      const id = parseInput(idSchema, rawId);
      const input = parseInput(VerifyInput, raw);
      const used = await verifyCode(userId, input);
      if (used.payload.action !== 'delete' || used.payload.phoneId !== id) fail('sms_code_invalid');
      const { count } = await db.userPhoneNumber.deleteMany({ where: { id, userId } });
      if (!count) fail('phone_number_not_found');
      return true;
    },

    /** Vendor: the number is taken as verified (the vendor vouches for it). */
    async vendorAdd(rawUserId: string, raw: { phoneNumber: string }) {
      const userId = parseInput(idSchema, rawUserId);
      const input = parseInput(AddInput, raw);
      if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) fail('user_not_found');
      const now = clock.now();
      return db.userPhoneNumber.upsert({
        where: { userId_phoneNumber: { userId, phoneNumber: input.phoneNumber } },
        create: { userId, phoneNumber: input.phoneNumber, verifiedAt: now },
        update: { verifiedAt: now },
      });
    },

    async vendorDelete(rawUserId: string, rawPhoneId: string) {
      const userId = parseInput(idSchema, rawUserId);
      const id = parseInput(idSchema, rawPhoneId);
      const { count } = await db.userPhoneNumber.deleteMany({ where: { id, userId } });
      if (!count) fail('phone_number_not_found');
      return true;
    },
  };
}

export type PhoneNumbersService = ReturnType<typeof createPhoneNumbersService>;
