// One route definition drives routing, validation, execution and the OpenAPI document
// (logto routes + koa-guard, yoga sofa). A route names the GraphQL document it runs; it never
// touches the database or re-implements a rule.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { z } from 'zod';
import type { ErrorCode } from '../errors/codes.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Where a route is mounted: identity under /identity and /frontegg/identity, and so on. */
export type Service = 'identity' | 'tenants' | 'auth' | 'audits' | 'metadata';

export const SERVICE_PREFIXES: Record<Service, readonly string[]> = {
  identity: ['/identity', '/frontegg/identity'],
  tenants: ['/tenants', '/frontegg/tenants'],
  auth: ['/auth', '/frontegg/auth'],
  audits: ['/audits', '/frontegg/audits'],
  metadata: ['/metadata', '/frontegg/metadata'],
};

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Headers;
}

export interface RouteDefinition<TData = any, TVars = any, P = any, Q = any, B = any, R = any> {
  service: Service;
  method: HttpMethod;
  /** Path below the service prefix, Frontegg style: /resources/users/v1/{id}. */
  path: string;
  summary: string;
  tags?: string[];
  /** Headers the route reads (documented; most are read by the GraphQL context). */
  headers?: z.ZodObject;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  document: TypedDocumentNode<TData, TVars>;
  variables: (input: RouteInput<P, Q, B>) => TVars;
  /** The field of `data` that holds the result (or the error union member). */
  result: (data: TData) => R | null | undefined;
  /** Frontegg's response body. */
  response: (result: R, input: RouteInput<P, Q, B>) => unknown;
  responseSchema?: z.ZodType;
  /** The error when the result is null (a lookup that found nothing). */
  notFound?: ErrorCode;
  status: number;
  /** A body that is not JSON (a CSV export): `response` returns the text, sent as is with this type. */
  contentType?: string;
}

export function defineRoute<TData, TVars, P = Record<string, string>, Q = Record<string, unknown>, B = undefined, R = unknown>(
  route: RouteDefinition<TData, TVars, P, Q, B, R>,
): RouteDefinition {
  return route as RouteDefinition;
}
