// Identity management configuration (vendor only) and its basic subset.
import { z } from 'zod';
import {
  RestBasicIdentityConfigurationDocument,
  RestIdentityConfigurationDocument,
  RestUpdateIdentityConfigurationDocument,
  type IdentityConfigurationFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { int32 } from '../headers.ts';

const bool = z.boolean().nullish();
const num = int32.nullish();
const str = z.string().nullish();

const configBody = z.object({
  allowSignups: bool,
  allowNotVerifiedUsersLogin: bool,
  authStrategy: str,
  passwordlessMethods: z.object({ magicLink: bool, code: bool, smsCode: bool }).nullish().describe('Gatehouse: which passwordless methods are on'),
  defaultTokenExpiration: num,
  defaultRefreshTokenExpiration: num,
  cookieSameSite: str,
  jwtAlgorithm: str,
  rotateRefreshTokens: bool,
  apiTokensEnabled: bool,
  addRolesToJwt: bool,
  addPermissionsToJwt: bool,
  forcePermissions: bool,
  machineToMachineAuthStrategy: str,
});

const configResponse = (c: IdentityConfigurationFieldsFragment) => {
  const { __typename: _t, passwordlessMethods, ...rest } = c as IdentityConfigurationFieldsFragment & { __typename?: string };
  const { __typename: _p, ...methods } = passwordlessMethods as typeof passwordlessMethods & { __typename?: string };
  return { ...rest, passwordlessMethods: methods };
};

export const identityConfigRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1',
    summary: 'Get identity management configuration (vendor only)',
    tags: ['Identity configuration'],
    document: RestIdentityConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.identityConfiguration,
    response: configResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1',
    summary: 'Update identity management configuration (vendor only; settings fixed by the server configuration are refused with another value)',
    tags: ['Identity configuration'],
    body: configBody,
    document: RestUpdateIdentityConfigurationDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateIdentityConfiguration,
    response: (r) => ('allowSignups' in r ? configResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/basic',
    summary: 'Get basic identity management configuration',
    tags: ['Identity configuration'],
    document: RestBasicIdentityConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.basicIdentityConfiguration,
    response: (r) => ({ forcePermissions: r.forcePermissions, machineToMachineAuthStrategy: r.machineToMachineAuthStrategy }),
    status: 200,
  }),
];
