import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.ts';

/** The committed SDL: sorted so that reordering code never shows up as a schema change. */
export const printSortedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
