// Starts the test S3 server for the browser project, with a bucket of two workflow files, and
// hands its address to the tests running in Chromium (which cannot start servers themselves).
import type { TestProject } from 'vitest/node';
import { startS3Server } from './s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startS3Server();
  await server.createBucket('browser');
  await server.put('browser', 'wf/orders.toml', '[[phase]]\ntask = "ingest:orders"\nrule = "cron=0 2 * * *"\n\n[[phase]]\ntask = "report"\ndependsOn = "ingest:orders"\n');
  await server.put('browser', 'wf/group/daily.toml', '[[phase]]\ntask = "load"\nrule = "cron=0 * * * *"\n');
  project.provide('s3Endpoint', server.endpoint);
  return () => server.close();
}
