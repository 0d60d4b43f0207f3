// The fields every background job over users shows (bulk invites, bulk migrations): its state
// and its per-user results, read from the job row's stored result.
import { userJobResult } from '../../services/users/user-job.ts';
import { builder } from '../builder.ts';

export interface UserJobShape {
  id: string;
  status: string;
  result: unknown;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type ItemRef<T> = PothosSchemaTypes.ObjectRef<Types, T>;

export function userJobFields<J extends UserJobShape, E>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, J>,
  types: { success: ItemRef<{ email: E; userId: string }>; failure: ItemRef<{ email: E; errorCode: string; message: string }> },
) {
  const result = (j: J) => userJobResult<E>(j.result);
  return {
    id: t.id({ resolve: (j) => j.id }),
    status: t.string({ description: 'PENDING, IN_PROGRESS, COMPLETED or FAILED', resolve: (j) => j.status }),
    error: t.string({ nullable: true, resolve: (j) => j.error }),
    total: t.int({ resolve: (j) => result(j).total }),
    processed: t.int({ resolve: (j) => result(j).processed }),
    succeeded: t.field({ type: [types.success], resolve: (j) => result(j).succeeded }),
    failed: t.field({ type: [types.failure], resolve: (j) => result(j).failed }),
    createdAt: t.field({ type: 'DateTime', resolve: (j) => j.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (j) => j.updatedAt }),
    completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (j) => j.completedAt }),
  };
}
