// The portal process of the scale benchmark: the portal started from the configuration file given, on the schema
// and with the secret key of its environment (DATABASE_URL, MBPROV_DATABASE_SCHEMA, MBPROV_SECRET_KEY), as an
// operator runs it. Writes "ready <portal url>" to file descriptor 3; SIGTERM closes it. The benchmark owns and drops
// the schema.
import { writeSync } from 'node:fs';
import { startPortal } from '@mbprov/portal';

const file = process.argv[2];
if (!file) throw new Error('usage: scale-portal-server.ts <config file>');
const portal = await startPortal({ file, logger: false, env: process.env });
// The parent reads the ready line on file descriptor 3 (portal-process.ts).
writeSync(3, `ready ${portal.url}\n`);
process.on('SIGTERM', async () => {
  await portal.close();
  process.exit(0);
});
