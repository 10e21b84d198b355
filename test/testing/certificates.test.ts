import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeTlsTestServers, startTlsTestServer } from './support/tls-test-server.ts';
import type { TlsTestServer } from './support/tls-test-server.ts';
import { InvalidOptionError } from '../../src/errors.ts';
import {
  authenticateClientCertificate,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  readClientCertificateIdentity,
} from '../../src/testing/certificates.ts';
import type {
  CertificateAuthority,
  CertificateKeyPair,
  ClientCertificateAuthentication,
} from '../../src/testing/certificates.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface SeenRequest {
  url: string | undefined;
  authorization: string | undefined;
  peer: PeerCertificate;
  authentication: ClientCertificateAuthentication;
}

type TestServer = TlsTestServer<SeenRequest>;

afterEach(async () => {
  await closeTlsTestServers();
});

/**
 * kube-apiserver-like client-cert auth: a certificate is requested but not required, and checked
 * per request (401 when it does not verify). With `strict`, the TLS layer itself rejects
 * connections without a valid client certificate.
 */
function startServer(serving: CertificateKeyPair, clientCa: string, strict = false): Promise<TestServer> {
  return startTlsTestServer<SeenRequest>(
    serving,
    clientCa,
    (req, res, seen) => {
      const socket = req.socket;
      if (!(socket instanceof TLSSocket)) throw new Error('expected a TLS socket');
      const authentication = authenticateClientCertificate(socket);
      seen.push({ url: req.url, authorization: req.headers.authorization, peer: socket.getPeerCertificate(), authentication });
      if (authentication.status === 'failed') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
    },
    strict,
  );
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One GET on a fresh, unpooled connection. */
function get(url: string, options: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

let ca: CertificateAuthority;
let serving: CertificateKeyPair;
let alice: CertificateKeyPair;
let otherCa: CertificateAuthority;
let mallory: CertificateKeyPair;

beforeAll(async () => {
  ca = await createCertificateAuthority({ commonName: 'test-ca' });
  serving = await issueServerCertificate(ca, {});
  alice = await issueClientCertificate(ca, { commonName: 'alice', organizations: ['system:masters', 'dev'] });
  otherCa = await createCertificateAuthority({ commonName: 'other-ca' });
  mallory = await issueClientCertificate(otherCa, { commonName: 'alice', organizations: ['system:masters'] });
});

describe('createCertificateAuthority', () => {
  it('creates a self-signed P-256 CA valid from an hour ago for one day', async () => {
    const before = Date.now();
    const fresh = await createCertificateAuthority();
    const cert = new X509Certificate(fresh.certPem);
    expect(fresh.commonName).toBe('kube-events-test-ca');
    expect(cert.subject).toBe('CN=kube-events-test-ca');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(fresh.keyPem))).toBe(true);
    expect(fresh.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const notBefore = cert.validFromDate.getTime();
    const notAfter = cert.validToDate.getTime();
    expect(Math.abs(notBefore - (before - HOUR_MS))).toBeLessThan(5_000);
    expect(Math.abs(notAfter - (before + DAY_MS))).toBeLessThan(5_000);
  });

  it('marks the CA critical CA:TRUE with keyCertSign and cRLSign, and a subject key id', () => {
    // node:crypto exposes no extension details for these; read them in the DER instead.
    const der = new X509Certificate(ca.certPem).raw;
    // basicConstraints (2.5.29.19) critical, CA TRUE: 06 03 55 1d 13 01 01 ff 04 05 30 03 01 01 ff
    expect(der.includes(Buffer.from('0603551d130101ff040530030101ff', 'hex'))).toBe(true);
    // keyUsage (2.5.29.15) critical: digitalSignature | keyCertSign | cRLSign = bits 0, 5, 6.
    expect(der.includes(Buffer.from('0603551d0f0101ff040403020186', 'hex'))).toBe(true);
    // subjectKeyIdentifier (2.5.29.14) with a 20-byte SHA-1 key id.
    expect(der.includes(Buffer.from('0603551d0e04160414', 'hex'))).toBe(true);
  });

  it('honours validityDays', async () => {
    const before = Date.now();
    const cert = new X509Certificate((await createCertificateAuthority({ validityDays: 30 })).certPem);
    expect(Math.abs(cert.validToDate.getTime() - (before + 30 * DAY_MS))).toBeLessThan(5_000);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects validityDays %s', async (validityDays) => {
    await expect(createCertificateAuthority({ validityDays })).rejects.toThrow(InvalidOptionError);
  });

  it('rejects an empty common name', async () => {
    await expect(createCertificateAuthority({ commonName: '' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'commonName',
    });
  });
});

describe('issueServerCertificate', () => {
  it('issues a serverAuth certificate for 127.0.0.1, ::1 and localhost by default', () => {
    const cert = new X509Certificate(serving.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.2')).toBeUndefined();
    expect(cert.keyUsage).toEqual([SERVER_AUTH]);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.issuer).toBe('CN=test-ca');
    expect(cert.subject).toBe('CN=kube-apiserver');
    expect(cert.checkPrivateKey(createPrivateKey(serving.keyPem))).toBe(true);
    // authorityKeyIdentifier (2.5.29.35) carries the CA's subject key id.
    expect(new X509Certificate(serving.certPem).raw.includes(Buffer.from('0603551d23', 'hex'))).toBe(true);
  });

  it('puts IPs in iPAddress SANs and names in dNSName SANs', async () => {
    const cert = new X509Certificate(
      (await issueServerCertificate(ca, { hosts: ['10.96.0.1', 'fd00::10', 'kubernetes.default.svc', '*.example.test'] })).certPem,
    );
    expect(cert.subjectAltName).toBe(
      'IP Address:10.96.0.1, IP Address:FD00:0:0:0:0:0:0:10, DNS:kubernetes.default.svc, DNS:*.example.test',
    );
  });

  it.each([[[]], [['']], [['not a host']], [['::ffff:127.0.0.1']], [['a..b']]])('rejects hosts %j', async (hosts) => {
    await expect(issueServerCertificate(ca, { hosts })).rejects.toThrow(InvalidOptionError);
  });

  it('rejects a CA that is not a CA', async () => {
    await expect(issueServerCertificate(serving, {})).rejects.toMatchObject({ option: 'ca.certPem' });
    await expect(issueServerCertificate({ certPem: 'nope', keyPem: ca.keyPem }, {})).rejects.toMatchObject({ option: 'ca.certPem' });
    await expect(issueServerCertificate({ certPem: ca.certPem, keyPem: 'nope' }, {})).rejects.toMatchObject({ option: 'ca.keyPem' });
  });
});

describe('issueClientCertificate', () => {
  it('issues a clientAuth certificate with CN = user and one O per group', () => {
    const cert = new X509Certificate(alice.certPem);
    expect(cert.keyUsage).toEqual([CLIENT_AUTH]);
    expect(cert.subject).toBe('O=system:masters\nO=dev\nCN=alice');
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(readClientCertificateIdentity(alice.certPem)).toEqual({ user: 'alice', groups: ['system:masters', 'dev'] });
  });

  it('rejects an empty user name or group', async () => {
    await expect(issueClientCertificate(ca, { commonName: '' })).rejects.toMatchObject({ option: 'commonName' });
    await expect(issueClientCertificate(ca, { commonName: 'bob', organizations: ['ok', ''] })).rejects.toMatchObject({
      option: 'organizations[1]',
    });
  });

  it('keeps any user name and groups verbatim', async () => {
    // Names as kube-apiserver users may have them, including DN syntax characters.
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(text, fc.array(text, { maxLength: 3 }), async (user, groups) => {
        const issued = await issueClientCertificate(ca, { commonName: user, organizations: groups });
        expect(readClientCertificateIdentity(new X509Certificate(issued.certPem))).toEqual({ user, groups });
      }),
      { numRuns: 25 },
    );
  });
});

describe('readClientCertificateIdentity', () => {
  it('reads a PEM string, a node:crypto X509Certificate and a PeerCertificate alike', () => {
    const expected = { user: 'alice', groups: ['system:masters', 'dev'] };
    expect(readClientCertificateIdentity(alice.certPem)).toEqual(expected);
    expect(readClientCertificateIdentity(new X509Certificate(alice.certPem))).toEqual(expected);
    expect(readClientCertificateIdentity(new X509Certificate(alice.certPem).toLegacyObject())).toEqual(expected);
  });

  it('has no identity for a missing certificate or an empty CN', () => {
    // getPeerCertificate() returns {} when the client sent none.
    expect(readClientCertificateIdentity({} as PeerCertificate)).toBeUndefined();
    const noCn = { subject: { O: 'system:masters' } } as unknown as PeerCertificate;
    expect(readClientCertificateIdentity(noCn)).toBeUndefined();
  });

  it('rejects a string that is not a PEM certificate', () => {
    expect(() => readClientCertificateIdentity('not a certificate')).toThrow(InvalidOptionError);
  });

  it('keeps the last CN when there are several, as Go does', () => {
    const twoCns = { subject: { CN: ['first', 'last'], O: 'g' } } as unknown as PeerCertificate;
    expect(readClientCertificateIdentity(twoCns)).toEqual({ user: 'last', groups: ['g'] });
  });
});

describe('authenticateClientCertificate', () => {
  it('has nothing to say about a plain TCP socket', () => {
    const socket = new Socket();
    expect(authenticateClientCertificate(socket)).toEqual({ status: 'none' });
    socket.destroy();
  });
});

describe('over HTTPS', () => {
  it('serves a certificate Node verifies against the CA, and sees the client certificate identity', async () => {
    const server = await startServer(serving, ca.certPem);
    const res = await get(`${server.url}/healthz`, { ca: ca.certPem, cert: alice.certPem, key: alice.keyPem });
    expect(res).toMatchObject({ status: 200, body: 'ok' });
    expect(server.seen).toHaveLength(1);
    const seen = server.seen[0]!;
    expect(seen.authentication).toEqual({
      status: 'authenticated',
      identity: { user: 'alice', groups: ['system:masters', 'dev'] },
    });
    expect(readClientCertificateIdentity(seen.peer)).toEqual({ user: 'alice', groups: ['system:masters', 'dev'] });
  });

  it('is not trusted without the CA', async () => {
    const server = await startServer(serving, ca.certPem);
    await expect(get(`${server.url}/healthz`, {})).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    await expect(get(`${server.url}/healthz`, { ca: otherCa.certPem })).rejects.toMatchObject({
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(server.seen).toHaveLength(0);
  });

  it('is not valid for a host outside its SANs', async () => {
    const elsewhere = await issueServerCertificate(ca, { hosts: ['example.test'] });
    const server = await startServer(elsewhere, ca.certPem);
    await expect(get(`${server.url}/healthz`, { ca: ca.certPem })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('lets a client without a certificate through unauthenticated, as RequestClientCert does', async () => {
    const server = await startServer(serving, ca.certPem);
    const res = await get(`${server.url}/healthz`, { ca: ca.certPem, headers: { authorization: 'Bearer t0ken' } });
    expect(res.status).toBe(200);
    expect(server.seen[0]).toMatchObject({ authorization: 'Bearer t0ken', authentication: { status: 'none' } });
  });

  it('rejects a client certificate from another CA', async () => {
    const server = await startServer(serving, ca.certPem);
    const res = await get(`${server.url}/healthz`, { ca: ca.certPem, cert: mallory.certPem, key: mallory.keyPem });
    expect(res.status).toBe(401);
    expect(server.seen[0]?.authentication).toEqual({ status: 'failed', reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    // The peer certificate still claims alice: only verification tells them apart.
    expect(readClientCertificateIdentity(server.seen[0]!.peer)?.user).toBe('alice');
  });

  it('rejects a certificate of the right CA that is not for client auth', async () => {
    const server = await startServer(serving, ca.certPem);
    const res = await get(`${server.url}/healthz`, { ca: ca.certPem, cert: serving.certPem, key: serving.keyPem });
    expect(res.status).toBe(401);
    expect(server.seen[0]?.authentication).toEqual({ status: 'failed', reason: 'INVALID_PURPOSE' });
  });

  it('fails the handshake for a foreign client certificate when the server verifies at the TLS layer', async () => {
    const server = await startServer(serving, ca.certPem, true);
    await expect(get(`${server.url}/healthz`, { ca: ca.certPem, cert: mallory.certPem, key: mallory.keyPem })).rejects.toThrow();
    const res = await get(`${server.url}/healthz`, { ca: ca.certPem, cert: alice.certPem, key: alice.keyPem });
    expect(res.status).toBe(200);
    expect(server.seen).toHaveLength(1);
  });
});
