/**
 * Kubeconfig documents for the test API server, for `kubectl --kubeconfig` and for
 * `@kubernetes/client-node`. The layout and field names are those of
 * k8s.io/client-go/tools/clientcmd/api/v1/types.go (`Config`, `NamedCluster`, `NamedAuthInfo`,
 * `NamedContext`), with credentials inlined as `*-data` fields so the file stands alone.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidOptionError } from '../errors.ts';

/** A user that authenticates with a bearer token. */
export interface KubeconfigTokenUser {
  /** The bearer token, sent as `Authorization: Bearer <token>`. */
  token: string;
}

/** A user that authenticates with a client certificate (CN = user name, O = groups). */
export interface KubeconfigCertificateUser {
  /** The client certificate, PEM. */
  certPem: string;
  /** Its private key, PEM. */
  keyPem: string;
}

/** Options of {@link buildKubeconfig} and {@link toClientNodeKubeConfig}. */
export interface KubeconfigOptions {
  /** The API server's URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The CA certificate (PEM) that signed the server's certificate. */
  caPem: string;
  /** How the user authenticates: a bearer token or a client certificate. */
  user: KubeconfigTokenUser | KubeconfigCertificateUser;
  /**
   * The name of the context, and of the cluster and user entries it joins.
   * @default 'kube-events'
   */
  contextName?: string;
  /**
   * The context's default namespace (kubectl then uses `default` when absent).
   * @default undefined
   */
  namespace?: string;
}

const DEFAULT_CONTEXT_NAME = 'kube-events';
// A DNS-1123 label, the rule for namespace names (k8s.io/apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Visible ASCII only: the token goes into an HTTP header after `Bearer `.
const TOKEN = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/**
 * Builds a kubeconfig YAML document with one cluster, one user and one current context, the CA and
 * any client certificate inlined as base64 `*-data` fields.
 *
 * @param options - Server URL, CA, user credentials, context name and namespace.
 * @returns The kubeconfig as YAML text.
 * @throws {@link InvalidOptionError} if an option is invalid.
 *
 * @example
 * ```ts
 * import { buildKubeconfig, writeKubeconfig } from 'kube-events/testing';
 *
 * const yaml = buildKubeconfig({ server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: { token: 'admin-token' } });
 * await writeKubeconfig('/tmp/kubeconfig', yaml);
 * // kubectl --kubeconfig /tmp/kubeconfig get events
 * ```
 */
export function buildKubeconfig(options: KubeconfigOptions): string {
  const { server, caData, user, contextName, namespace } = validate(options);
  const lines = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${quote(caData)}`,
    `    server: ${quote(server)}`,
    `  name: ${quote(contextName)}`,
    'contexts:',
    '- context:',
    `    cluster: ${quote(contextName)}`,
    ...(namespace === undefined ? [] : [`    namespace: ${quote(namespace)}`]),
    `    user: ${quote(contextName)}`,
    `  name: ${quote(contextName)}`,
    `current-context: ${quote(contextName)}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${quote(contextName)}`,
    '  user:',
    ...('token' in user
      ? [`    token: ${quote(user.token)}`]
      : [
          `    client-certificate-data: ${quote(user.certData)}`,
          `    client-key-data: ${quote(user.keyData)}`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a kubeconfig to `path`, readable by its owner only (mode 0600, as kubectl writes it).
 *
 * @param path - The file to create or replace.
 * @param yaml - The document, from {@link buildKubeconfig}.
 *
 * @example
 * ```ts
 * import { buildKubeconfig, writeKubeconfig } from 'kube-events/testing';
 *
 * await writeKubeconfig(join(tmpdir, 'kubeconfig'), buildKubeconfig(options));
 * ```
 */
export async function writeKubeconfig(path: string, yaml: string): Promise<void> {
  await writeFile(path, yaml, { mode: 0o600 });
  // `mode` only applies when the file is created; tighten a file that already existed.
  await chmod(path, 0o600);
}

/**
 * A `@kubernetes/client-node` `KubeConfig` loaded with exactly the cluster, user and context
 * {@link buildKubeconfig} writes.
 *
 * @param options - The same options as {@link buildKubeconfig}.
 * @returns A `KubeConfig` whose current context points at the server.
 * @throws {@link InvalidOptionError} if an option is invalid.
 *
 * @example
 * ```ts
 * import { CoreV1Api } from '@kubernetes/client-node';
 * import { toClientNodeKubeConfig } from 'kube-events/testing';
 *
 * const kc = toClientNodeKubeConfig({ server, caPem: ca.certPem, user: { token: 'admin-token' } });
 * const core = kc.makeApiClient(CoreV1Api);
 * ```
 */
export function toClientNodeKubeConfig(options: KubeconfigOptions): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(buildKubeconfig(options), { onInvalidEntry: 'throw' });
  return kubeConfig;
}

interface ValidatedOptions {
  server: string;
  caData: string;
  user: { token: string } | { certData: string; keyData: string };
  contextName: string;
  namespace: string | undefined;
}

function validate(options: KubeconfigOptions): ValidatedOptions {
  const server = validateServer(options.server);
  const caData = pemData('caPem', options.caPem, 'CERTIFICATE');
  const contextName = options.contextName ?? DEFAULT_CONTEXT_NAME;
  if (typeof contextName !== 'string' || contextName === '' || CONTROL_CHARACTER.test(contextName)) {
    throw new InvalidOptionError('contextName', 'a non-empty string without control characters', contextName);
  }
  const namespace = options.namespace;
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
    throw new InvalidOptionError('namespace', 'a DNS-1123 label (lower-case alphanumerics and "-", at most 63)', namespace);
  }
  return { server, caData, user: validateUser(options.user), contextName, namespace };
}

function validateServer(server: unknown): string {
  const url = typeof server === 'string' && URL.canParse(server) ? new URL(server) : undefined;
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new InvalidOptionError('server', 'an https:// URL without credentials', server);
  }
  return server as string;
}

function validateUser(user: unknown): ValidatedOptions['user'] {
  if (typeof user !== 'object' || user === null) {
    throw new InvalidOptionError('user', 'an object with either `token` or `certPem` and `keyPem`', user);
  }
  const { token, certPem, keyPem } = user as Partial<KubeconfigTokenUser & KubeconfigCertificateUser>;
  if (token !== undefined) {
    if (certPem !== undefined || keyPem !== undefined) {
      throw new InvalidOptionError('user', 'either `token` or `certPem` and `keyPem`, not both', '[credentials]');
    }
    if (typeof token !== 'string' || !TOKEN.test(token)) {
      throw new InvalidOptionError('user.token', 'a non-empty string of visible ASCII characters', '[redacted]');
    }
    return { token };
  }
  return {
    certData: pemData('user.certPem', certPem, 'CERTIFICATE'),
    keyData: pemData('user.keyPem', keyPem, 'PRIVATE KEY', '[redacted]'),
  };
}

/** Checks a PEM block's label loosely (`PRIVATE KEY` also matches `EC PRIVATE KEY`) and base64-encodes it. */
function pemData(option: string, pem: unknown, label: string, shown?: string): string {
  if (typeof pem !== 'string' || !new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(pem)) {
    throw new InvalidOptionError(option, `a PEM string with a ${label} block`, shown ?? pem);
  }
  return Buffer.from(pem, 'utf8').toString('base64');
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML and the values are plain text. */
function quote(value: string): string {
  return JSON.stringify(value);
}
