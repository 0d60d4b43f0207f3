// Writes schema/openapi.json: the OpenAPI 3.1 document generated from the route table
// (committed; test/contract/openapi.test.ts fails on drift).
import fs from 'node:fs';
import { buildOpenApi } from '../src/rest/openapi.ts';
import { routes } from '../src/rest/routes/index.ts';

const target = new URL('../schema/openapi.json', import.meta.url);
fs.writeFileSync(target, `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
console.log('wrote schema/openapi.json');
