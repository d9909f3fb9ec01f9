// s3rver in a process of its own, started by s3-server.ts with --openssl-legacy-provider: its
// continuation tokens are DES-encrypted, which OpenSSL 3 keeps in the legacy provider.
// Prints its port, and stops when its parent closes stdin (or dies).
import S3rver from 's3rver';

const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.stdout.write(`${port}\n`);
process.stdin.resume();
process.stdin.on('close', async () => {
  await server.close();
  process.exit(0);
});
