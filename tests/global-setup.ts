import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { embeddedSettings, portAcceptsConnections, startEmbeddedPostgres } from '@/lib/db/embedded';
import { APP_ROLE, OWNER_ROLE, ensureRoles, type RoleCredentials } from '@/lib/db/roles';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
    postgresRoles: { owner: RoleCredentials; app: RoleCredentials };
  }
}

/**
 * One real PostgreSQL for the whole run: TEST_DATABASE_URL's server when given (a superuser's URL),
 * otherwise an embedded one in .data/test. Each test file gets its own database, owned by the migration
 * owner and used through the application role, as in production.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const roles = {
      owner: { user: OWNER_ROLE, password: randomBytes(24).toString('base64url') },
      app: { user: APP_ROLE, password: randomBytes(24).toString('base64url') },
    };
    await ensureRoles(external, roles);
    project.provide('postgresServerUrl', external);
    project.provide('postgresRoles', roles);
    return;
  }
  const env = {
    ...process.env,
    EMBEDDED_PG_DIR: process.env.TEST_EMBEDDED_PG_DIR ?? '.data/test',
    EMBEDDED_PG_PORT: process.env.TEST_EMBEDDED_PG_PORT ?? '54349',
  };
  // Start from an empty folder unless another test run is using the server right now (then share it:
  // every test file works in a database of its own anyway).
  if (!(await portAcceptsConnections(embeddedSettings(env).port)))
    await rm(embeddedSettings(env).root, { recursive: true, force: true });
  const server = await startEmbeddedPostgres(env);
  project.provide('postgresServerUrl', server.serverUrl);
  project.provide('postgresRoles', server.roles);
  return () => server.stop();
}
