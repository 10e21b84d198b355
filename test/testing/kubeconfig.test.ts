import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VersionApi } from '@kubernetes/client-node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeTlsTestServers, startTlsTestServer } from './support/tls-test-server.ts';
import type { TlsTestServer } from './support/tls-test-server.ts';
import { parse } from 'yaml';
import { InvalidOptionError } from '../../src/errors.ts';
import {
  authenticateClientCertificate,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../src/testing/certificates.ts';
import type {
  CertificateAuthority,
  CertificateKeyPair,
  ClientCertificateAuthentication,
} from '../../src/testing/certificates.ts';
import { buildKubeconfig, toClientNodeKubeConfig, writeKubeconfig } from '../../src/testing/kubeconfig.ts';
import type { KubeconfigOptions } from '../../src/testing/kubeconfig.ts';

const execFileAsync = promisify(execFile);

const VERSION = {
  major: '1',
  minor: '32',
  emulationMajor: '1',
  emulationMinor: '32',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '31',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:57:01Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface SeenRequest {
  url: string | undefined;
  authorization: string | undefined;
  authentication: ClientCertificateAuthentication;
}

type TestServer = TlsTestServer<SeenRequest>;

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'kube-events-kubeconfig-'));
});

afterEach(async () => {
  await closeTlsTestServers();
  await rm(home, { recursive: true, force: true });
});

/** kube-apiserver-like TLS (client cert requested, verified per request): /healthz and /version. */
function startServer(serving: CertificateKeyPair, clientCa: string): Promise<TestServer> {
  return startTlsTestServer<SeenRequest>(
    serving,
    clientCa,
    (req, res, seen) => {
      const authentication = authenticateClientCertificate(req.socket);
      seen.push({ url: req.url, authorization: req.headers.authorization, authentication });
      if (authentication.status === 'failed') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
      } else if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
      } else if (req.url === '/version') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(VERSION));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      }
    },
  );
}

/** Runs the real kubectl with no ambient configuration: no KUBECONFIG, HOME in a temp dir. */
async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
    timeout: 30_000,
  });
  return stdout;
}

async function writeConfig(options: KubeconfigOptions): Promise<string> {
  const path = join(home, 'kubeconfig');
  await writeKubeconfig(path, buildKubeconfig(options));
  return path;
}

let ca: CertificateAuthority;
let serving: CertificateKeyPair;
let alice: CertificateKeyPair;
let otherCa: CertificateAuthority;

beforeAll(async () => {
  ca = await createCertificateAuthority();
  serving = await issueServerCertificate(ca, {});
  alice = await issueClientCertificate(ca, { commonName: 'alice', organizations: ['system:masters', 'dev'] });
  otherCa = await createCertificateAuthority({ commonName: 'other-ca' });
});

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('buildKubeconfig', () => {
  it('writes one cluster, token user and current context', () => {
    const yaml = buildKubeconfig({ server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: { token: 'abc.def' } });
    expect(parse(yaml)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [
        { name: 'kube-events', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': base64(ca.certPem) } },
      ],
      contexts: [{ name: 'kube-events', context: { cluster: 'kube-events', user: 'kube-events' } }],
      'current-context': 'kube-events',
      users: [{ name: 'kube-events', user: { token: 'abc.def' } }],
    });
  });

  it('inlines a client certificate and sets the namespace and context name', () => {
    const yaml = buildKubeconfig({
      server: 'https://localhost:1234',
      caPem: ca.certPem,
      user: alice,
      contextName: 'kind-kind',
      namespace: 'team-a',
    });
    const config = parse(yaml) as Record<string, unknown>;
    expect(config['contexts']).toEqual([
      { name: 'kind-kind', context: { cluster: 'kind-kind', user: 'kind-kind', namespace: 'team-a' } },
    ]);
    expect(config['users']).toEqual([
      { name: 'kind-kind', user: { 'client-certificate-data': base64(alice.certPem), 'client-key-data': base64(alice.keyPem) } },
    ]);
  });

  it('quotes names that YAML would otherwise read differently', () => {
    for (const contextName of ['yes', '123', 'a: b', '#x', '"q" \\ é', '- item', '*alias', 'null']) {
      const config = parse(buildKubeconfig({ server: 'https://h:1', caPem: ca.certPem, user: { token: 't' }, contextName })) as {
        'current-context': unknown;
      };
      expect(config['current-context']).toBe(contextName);
    }
  });

  it.each([
    ['server', { server: 'http://127.0.0.1:6443' }],
    ['server', { server: 'not a url' }],
    ['server', { server: 'https://user:pw@127.0.0.1' }],
    ['caPem', { caPem: 'nope' }],
    ['user.token', { user: { token: 'has space' } }],
    ['user.token', { user: { token: '' } }],
    ['user', { user: { token: 't', certPem: 'x', keyPem: 'y' } }],
    ['user.certPem', { user: { certPem: 'x', keyPem: 'y' } }],
    ['user.keyPem', { user: { certPem: '-----BEGIN CERTIFICATE-----', keyPem: 'secret' } }],
    ['contextName', { contextName: '' }],
    ['contextName', { contextName: 'a\nb' }],
    ['namespace', { namespace: 'Team_A' }],
  ])('rejects an invalid %s', (option, override) => {
    const options = { server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: { token: 't' }, ...override } as KubeconfigOptions;
    let error: unknown;
    try {
      buildKubeconfig(options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    // Credentials never end up in error messages.
    expect((error as Error).message).not.toMatch(/has space|secret/);
  });
});

describe('writeKubeconfig', () => {
  it('creates the file readable by its owner only', async () => {
    const path = join(home, 'config');
    await writeKubeconfig(path, 'apiVersion: v1\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('tightens and replaces an existing file', async () => {
    const path = join(home, 'config');
    await writeFile(path, 'old contents that are longer\n', { mode: 0o644 });
    await writeKubeconfig(path, 'apiVersion: v1\n');
    const { mode, size } = await stat(path);
    expect(mode & 0o777).toBe(0o600);
    expect(size).toBe('apiVersion: v1\n'.length);
  });
});

describe('with kubectl', () => {
  it('reaches the server over CA-verified TLS with a bearer token', async () => {
    const server = await startServer(serving, ca.certPem);
    const config = await writeConfig({ server: server.url, caPem: ca.certPem, user: { token: 'kubectl-token' } });
    expect(await kubectl(config, 'get', '--raw', '/healthz')).toBe('ok');
    const healthz = server.seen.filter((req) => req.url === '/healthz');
    expect(healthz).toHaveLength(1);
    expect(healthz[0]).toMatchObject({ authorization: 'Bearer kubectl-token', authentication: { status: 'none' } });
  });

  it('reaches the server with a client certificate the server maps to the user and groups', async () => {
    const server = await startServer(serving, ca.certPem);
    const config = await writeConfig({ server: server.url, caPem: ca.certPem, user: alice });
    expect(await kubectl(config, 'get', '--raw', '/healthz')).toBe('ok');
    const healthz = server.seen.find((req) => req.url === '/healthz');
    expect(healthz?.authorization).toBeUndefined();
    expect(healthz?.authentication).toEqual({
      status: 'authenticated',
      identity: { user: 'alice', groups: ['system:masters', 'dev'] },
    });
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const server = await startServer(serving, ca.certPem);
    const config = await writeConfig({ server: server.url, caPem: otherCa.certPem, user: { token: 't' } });
    await expect(kubectl(config, 'get', '--raw', '/healthz')).rejects.toMatchObject({
      stderr: expect.stringContaining('certificate signed by unknown authority') as unknown,
    });
    expect(server.seen.filter((req) => req.url === '/healthz')).toHaveLength(0);
  });

  it('reads the context, namespace and credentials back', async () => {
    const config = await writeConfig({
      server: 'https://127.0.0.1:6443',
      caPem: ca.certPem,
      user: alice,
      contextName: 'test-context',
      namespace: 'team-a',
    });
    expect(await kubectl(config, 'config', 'current-context')).toBe('test-context\n');
    const view = JSON.parse(await kubectl(config, 'config', 'view', '--raw', '--minify', '-o', 'json')) as {
      clusters: { cluster: Record<string, unknown> }[];
      contexts: { context: Record<string, unknown> }[];
      users: { user: Record<string, unknown> }[];
    };
    expect(view.clusters[0]?.cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': base64(ca.certPem) });
    expect(view.contexts[0]?.context).toEqual({ cluster: 'test-context', user: 'test-context', namespace: 'team-a' });
    expect(view.users[0]?.user).toEqual({
      'client-certificate-data': base64(alice.certPem),
      'client-key-data': base64(alice.keyPem),
    });
    // kubectl wrote nothing outside the temp HOME and the kubeconfig was left as written.
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect((await readdir(home)).filter((name) => name !== 'kubeconfig' && name !== '.kube')).toEqual([]);
  });
});

describe('toClientNodeKubeConfig', () => {
  it('loads the same cluster, user and context', () => {
    const kc = toClientNodeKubeConfig({
      server: 'https://127.0.0.1:6443',
      caPem: ca.certPem,
      user: alice,
      contextName: 'ctx',
      namespace: 'team-a',
    });
    expect(kc.getCurrentContext()).toBe('ctx');
    expect(kc.getCurrentCluster()).toMatchObject({ name: 'ctx', server: 'https://127.0.0.1:6443', caData: base64(ca.certPem) });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'ctx', certData: base64(alice.certPem), keyData: base64(alice.keyPem) });
    expect(kc.getContextObject('ctx')?.namespace).toBe('team-a');
  });

  it('calls the server with a bearer token', async () => {
    const server = await startServer(serving, ca.certPem);
    const kc = toClientNodeKubeConfig({ server: server.url, caPem: ca.certPem, user: { token: 'node-token' } });
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]).toMatchObject({ url: '/version', authorization: 'Bearer node-token' });
  });

  it('calls the server with a client certificate', async () => {
    const server = await startServer(serving, ca.certPem);
    const kc = toClientNodeKubeConfig({ server: server.url, caPem: ca.certPem, user: alice });
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.0');
    expect(server.seen[0]?.authentication).toEqual({
      status: 'authenticated',
      identity: { user: 'alice', groups: ['system:masters', 'dev'] },
    });
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const server = await startServer(serving, ca.certPem);
    const kc = toClientNodeKubeConfig({ server: server.url, caPem: otherCa.certPem, user: { token: 't' } });
    await expect(kc.makeApiClient(VersionApi).getCode()).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' },
    });
    expect(server.seen).toHaveLength(0);
  });
});
