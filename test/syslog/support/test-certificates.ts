/**
 * Test PKI made with the `openssl` CLI: a CA, a server certificate for 127.0.0.1 and localhost,
 * a client certificate, and a client certificate from a second, untrusted CA.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths (for the receivers' configs) and PEM contents (for the transports) of one key pair. */
export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** The PKI of one test run. */
export interface TestPki {
  readonly caFile: string;
  readonly ca: string;
  readonly server: KeyPair;
  readonly client: KeyPair;
  /** Signed by another CA, which the receivers do not trust. */
  readonly strangerClient: KeyPair;
  /** The other CA, which did not sign the server certificate. */
  readonly strangerCa: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

async function newCa(dir: string, name: string): Promise<void> {
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=kube-events test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
}

async function newLeaf(dir: string, name: string, ca: string, extensions: string): Promise<KeyPair> {
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  // The receivers run as nobody and must read their key.
  await chmod(keyFile, 0o644);
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

/** Creates the PKI in `dir` (made world-readable, as the receivers run as nobody). */
export async function createTestPki(dir: string): Promise<TestPki> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  await newCa(dir, 'ca');
  await newCa(dir, 'stranger-ca');
  const leafUsage = 'keyUsage=critical,digitalSignature,keyAgreement\n';
  const server = await newLeaf(dir, 'server', 'ca', `${leafUsage}extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n`);
  const client = await newLeaf(dir, 'client', 'ca', `${leafUsage}extendedKeyUsage=clientAuth\n`);
  const strangerClient = await newLeaf(dir, 'stranger-client', 'stranger-ca', `${leafUsage}extendedKeyUsage=clientAuth\n`);
  const caFile = join(dir, 'ca.crt');
  return { caFile, ca: await readFile(caFile, 'utf8'), server, client, strangerClient, strangerCa: await readFile(join(dir, 'stranger-ca.crt'), 'utf8') };
}
