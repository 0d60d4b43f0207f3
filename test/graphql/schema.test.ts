// The committed contract files must match the code: schema/schema.graphql (sorted SDL) and
// src/generated/graphql.ts (typed documents from codegen.ts).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { printSortedSchema } from '../../src/graphql/print.ts';
import codegenConfig from '../../codegen.ts';

const read = (p: string) => fs.readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('committed schema', () => {
  it('schema/schema.graphql is the sorted printed schema (run `npm run schema:print`)', () => {
    expect(read('schema/schema.graphql')).toBe(printSortedSchema());
  });

  it('is sorted', () => {
    const sdl = read('schema/schema.graphql');
    expect(`${printSchema(lexicographicSortSchema(buildSchema(sdl)))}\n`).toBe(sdl);
  });

  it('src/generated/graphql.ts matches codegen output (run `npm run codegen`)', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: process.cwd(), silent: true }, false);
    const out = outputs.find((o: { filename: string }) => o.filename.endsWith('src/generated/graphql.ts'));
    expect(out?.content).toBe(read('src/generated/graphql.ts'));
  }, 60_000);
});
