/**
 * An HTTPS server configured as kube-apiserver configures client-certificate auth: it requests a
 * client certificate without requiring one (unless `strict`), so each request can check it.
 * Servers started here are closed by {@link closeTlsTestServers} (call it in `afterEach`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertificateKeyPair } from '../../../src/testing/certificates.ts';

/** A running test server and what it recorded. */
export interface TlsTestServer<Seen> {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

const open: TlsTestServer<unknown>[] = [];

/** Starts a server on 127.0.0.1; `handle` answers each request and may record into `seen`. */
export async function startTlsTestServer<Seen>(
  serving: CertificateKeyPair,
  clientCa: string,
  handle: (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void,
  strict = false,
): Promise<TlsTestServer<Seen>> {
  const seen: Seen[] = [];
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: clientCa, requestCert: true, rejectUnauthorized: strict }, (req, res) => {
    handle(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const testServer: TlsTestServer<Seen> = {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  open.push(testServer);
  return testServer;
}

/** Closes every server started since the last call. */
export async function closeTlsTestServers(): Promise<void> {
  await Promise.all(open.splice(0).map((server) => server.close()));
}
