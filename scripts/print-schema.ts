// Writes schema/schema.graphql: the sorted printed schema (committed; a test fails on drift).
import fs from 'node:fs';
import { printSortedSchema } from '../src/graphql/print.ts';

const target = new URL('../schema/schema.graphql', import.meta.url);
fs.writeFileSync(target, printSortedSchema());
console.log('wrote schema/schema.graphql');
