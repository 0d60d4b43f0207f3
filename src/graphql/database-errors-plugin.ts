// A database refusal no service anticipated (a foreign key to a missing tenant, a duplicate, a
// value the column cannot hold) is the caller's input, and a mutation answers it like any other
// domain failure: as the typed member of its result union. This plugin sits just inside the
// errors plugin and turns such refusals into domain errors (services/database-errors.ts), only on
// fields that declare result unions; everything else still reaches yoga's mask, which asks the
// same table before answering internal_error.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { domainErrorFromDatabase } from '../services/database-errors.ts';

const pluginName = 'databaseErrors';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      databaseErrors: DatabaseErrorsPlugin<Types>;
    }
  }
}

export class DatabaseErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!(fieldConfig.pothosOptions as { errors?: unknown }).errors) return resolver;
    return async (parent, args, context, info) => {
      try {
        return await resolver(parent, args, context, info);
      } catch (error) {
        throw domainErrorFromDatabase(error) ?? error;
      }
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, DatabaseErrorsPlugin);

export default pluginName;
