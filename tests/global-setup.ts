import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { embeddedSettings, portAcceptsConnections, startEmbeddedPostgres } from '@/lib/db/embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: TEST_DATABASE_URL's server when given,
 * otherwise an embedded one in .data/test. Each test file gets its own database.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresServerUrl', external);
    return;
  }
  const env = {
    ...process.env,
    EMBEDDED_PG_DIR: process.env.TEST_EMBEDDED_PG_DIR ?? '.data/test',
    EMBEDDED_PG_PORT: process.env.TEST_EMBEDDED_PG_PORT ?? '54349',
  };
  // Start from an empty folder unless another test run is using the server right now (then share it:
  // every test file works in a database of its own anyway).
  if (!(await portAcceptsConnections(embeddedSettings(env).port))) await rm(embeddedSettings(env).root, { recursive: true, force: true });
  const server = await startEmbeddedPostgres(env);
  project.provide('postgresServerUrl', server.serverUrl);
  return () => server.stop();
}

