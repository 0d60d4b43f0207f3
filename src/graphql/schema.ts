// Imports the domain type files and builds the schema; nothing else (pothos complex-app).
import { builder } from './builder.ts';
import './errors.ts';
import './types/auth.ts';
import './types/role.ts';
import './types/tenant.ts';
import './types/user.ts';

export const schema = builder.toSchema({ sortSchema: true });
