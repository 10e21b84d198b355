/**
 * A throwaway certificate authority for the test API server: a self-signed CA, serving
 * certificates and client certificates (CN = user, O = groups, as kube-apiserver reads them),
 * all ECDSA P-256 and returned as PEM.
 *
 * Certificates are built with `@peculiar/x509` on Node's WebCrypto; the shape follows
 * k8s.io/client-go/util/cert (cert.go `NewSelfSignedCACert`) and kubeadm's pkiutil
 * (`NewSignedCert`), and the identity mapping follows
 * k8s.io/apiserver/pkg/authentication/request/x509/x509.go (`CommonNameUserConversion`).
 */
import { X509Certificate as NodeX509Certificate, KeyObject, createPrivateKey, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type * as X509 from '@peculiar/x509';
import { InvalidOptionError, KubeEventsError } from '../errors.ts';

/** A certificate and its private key, both PEM-encoded. */
export interface CertificateKeyPair {
  /** The certificate, `-----BEGIN CERTIFICATE-----`. */
  readonly certPem: string;
  /** The private key in PKCS#8, `-----BEGIN PRIVATE KEY-----`. */
  readonly keyPem: string;
}

/** A certificate authority that can issue server and client certificates. */
export interface CertificateAuthority extends CertificateKeyPair {
  /** The CA certificate's subject common name. */
  readonly commonName: string;
}

/** Options of {@link createCertificateAuthority}. */
export interface CertificateAuthorityOptions {
  /**
   * The CA's subject common name.
   * @default 'kube-events-test-ca'
   */
  commonName?: string;
  /**
   * How many days the CA certificate is valid for, counted from now.
   * @default 1
   */
  validityDays?: number;
}

/** Options of {@link issueServerCertificate}. */
export interface ServerCertificateOptions {
  /**
   * Host names and IP addresses the certificate is valid for: IPs become `iPAddress` SANs, names
   * `dNSName` SANs.
   * @default ['127.0.0.1', '::1', 'localhost']
   */
  hosts?: readonly string[];
  /**
   * The subject common name (informational: clients verify against the SANs).
   * @default 'kube-apiserver'
   */
  commonName?: string;
  /**
   * How many days the certificate is valid for, counted from now.
   * @default 1
   */
  validityDays?: number;
}

/** Options of {@link issueClientCertificate}. */
export interface ClientCertificateOptions {
  /** The user name: the subject common name (CN). */
  commonName: string;
  /**
   * The user's groups: one subject organization (O) each.
   * @default []
   */
  organizations?: readonly string[];
  /**
   * How many days the certificate is valid for, counted from now.
   * @default 1
   */
  validityDays?: number;
}

/** The Kubernetes user a client certificate stands for. */
export interface ClientCertificateIdentity {
  /** The user name (the subject CN). */
  user: string;
  /** The groups (the subject O values, in order). */
  groups: string[];
}

/** What the client certificate on a TLS connection says about the caller. */
export type ClientCertificateAuthentication =
  | { readonly status: 'none' }
  | { readonly status: 'authenticated'; readonly identity: ClientCertificateIdentity }
  | {
      readonly status: 'failed';
      /** The TLS verification code, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE` (another CA) or `INVALID_PURPOSE` (not clientAuth). */
      readonly reason: string;
    };

/**
 * Certificate generation failed inside the crypto library (a bug, not a bad option); the
 * library's error is the `cause`.
 *
 * @example
 * ```ts
 * import { CertificateGenerationError, createCertificateAuthority } from 'kube-events/testing';
 *
 * try {
 *   await createCertificateAuthority();
 * } catch (err) {
 *   if (err instanceof CertificateGenerationError) console.error(err.cause);
 * }
 * ```
 */
export class CertificateGenerationError extends KubeEventsError {
  /** Always `ERR_CERTIFICATE_GENERATION`. */
  readonly code = 'ERR_CERTIFICATE_GENERATION';
}

const DEFAULT_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];
const DAY_MS = 86_400_000;
/** Certificates start an hour in the past so a client with a slightly slow clock accepts them. */
const CLOCK_SKEW_MS = 3_600_000;
const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * Creates a self-signed certificate authority: ECDSA P-256, critical `CA:TRUE`, critical keyUsage
 * digitalSignature + keyCertSign + cRLSign, and a subject key identifier.
 *
 * @param options - Common name and validity.
 * @returns The CA certificate and key as PEM.
 * @throws {@link InvalidOptionError} if an option is out of range.
 *
 * @example
 * ```ts
 * import { createCertificateAuthority } from 'kube-events/testing';
 *
 * const ca = await createCertificateAuthority({ commonName: 'my-test-ca' });
 * console.log(ca.certPem.startsWith('-----BEGIN CERTIFICATE-----')); // true
 * ```
 */
export async function createCertificateAuthority(options: CertificateAuthorityOptions = {}): Promise<CertificateAuthority> {
  const commonName = nonEmptyString('commonName', options.commonName ?? 'kube-events-test-ca');
  const validity = validityWindow(options.validityDays);
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const name = new x509.Name([{ CN: [directoryString(commonName)] }]);
  const certificate = await generate(async () =>
    x509.X509CertificateGenerator.create({
      subject: name,
      issuer: name,
      ...validity,
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    }),
  );
  return { certPem: certificate.toString('pem'), keyPem: privateKeyPem(keys.privateKey), commonName };
}

/**
 * Issues a TLS serving certificate signed by `ca`, valid for `hosts` (extKeyUsage serverAuth).
 *
 * @param ca - The issuing CA: a {@link CertificateAuthority}, or the PEMs of any ECDSA P-256 CA.
 * @param options - Hosts, common name and validity.
 * @returns The certificate and key as PEM.
 * @throws {@link InvalidOptionError} if a host or option is invalid.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:https';
 * import { createCertificateAuthority, issueServerCertificate } from 'kube-events/testing';
 *
 * const ca = await createCertificateAuthority();
 * const tls = await issueServerCertificate(ca, { hosts: ['127.0.0.1', 'localhost'] });
 * const server = createServer({ cert: tls.certPem, key: tls.keyPem });
 * ```
 */
export async function issueServerCertificate(
  ca: CertificateKeyPair,
  options: ServerCertificateOptions = {},
): Promise<CertificateKeyPair> {
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new InvalidOptionError('hosts', 'a non-empty array of host names or IP addresses', hosts);
  }
  const names: X509.JsonGeneralName[] = hosts.map((host, index) => subjectAlternativeName(host, index));
  const commonName = nonEmptyString('commonName', options.commonName ?? 'kube-apiserver');
  const x509 = await loadX509();
  return issue(ca, [{ CN: [directoryString(commonName)] }], options.validityDays, [
    new x509.SubjectAlternativeNameExtension(names),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  ]);
}

/**
 * Issues a client certificate signed by `ca` (extKeyUsage clientAuth) for the Kubernetes user
 * `commonName` in the groups `organizations`.
 *
 * @param ca - The issuing CA: a {@link CertificateAuthority}, or the PEMs of any ECDSA P-256 CA.
 * @param options - User name, groups and validity.
 * @returns The certificate and key as PEM.
 * @throws {@link InvalidOptionError} if the user name or a group is not a non-empty string.
 *
 * @example
 * ```ts
 * import { createCertificateAuthority, issueClientCertificate } from 'kube-events/testing';
 *
 * const ca = await createCertificateAuthority();
 * const admin = await issueClientCertificate(ca, { commonName: 'alice', organizations: ['system:masters'] });
 * ```
 */
export async function issueClientCertificate(
  ca: CertificateKeyPair,
  options: ClientCertificateOptions,
): Promise<CertificateKeyPair> {
  const commonName = nonEmptyString('commonName', options.commonName);
  const organizations = options.organizations ?? [];
  if (!Array.isArray(organizations)) {
    throw new InvalidOptionError('organizations', 'an array of strings', organizations);
  }
  // One RDN per organization, then the CN, as `openssl req -subj /O=a/O=b/CN=user` writes it;
  // Go's pkix.Name.FillFromRDNSequence collects every O, whichever RDN holds it.
  const subject: X509.JsonNameParams = organizations.map((group, index) => ({
    O: [directoryString(nonEmptyString(`organizations[${index}]`, group))],
  }));
  subject.push({ CN: [directoryString(commonName)] });
  const x509 = await loadX509();
  return issue(ca, subject, options.validityDays, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
}

/**
 * Reads the Kubernetes identity of a client certificate: the subject CN is the user name and the
 * subject O values are the groups, as kube-apiserver's `CommonNameUserConversion` maps them. It
 * does not verify the certificate: use {@link authenticateClientCertificate} on a live socket.
 *
 * @param certificate - `socket.getPeerCertificate()`, a `node:crypto` `X509Certificate` or a PEM string.
 * @returns The identity, or `undefined` when there is no certificate or its CN is empty (then
 * kube-apiserver does not authenticate the request by certificate).
 * @throws {@link InvalidOptionError} if a string is not a PEM certificate.
 *
 * @example
 * ```ts
 * import { readClientCertificateIdentity } from 'kube-events/testing';
 *
 * const identity = readClientCertificateIdentity(socket.getPeerCertificate());
 * // { user: 'alice', groups: ['system:masters'] }
 * ```
 */
export function readClientCertificateIdentity(
  certificate: PeerCertificate | NodeX509Certificate | string,
): ClientCertificateIdentity | undefined {
  const legacy: Partial<PeerCertificate> =
    typeof certificate === 'string'
      ? parsePem(certificate).toLegacyObject()
      : certificate instanceof NodeX509Certificate
        ? certificate.toLegacyObject()
        : certificate;
  // getPeerCertificate() returns `{}` when the client sent no certificate.
  const subject = legacy.subject;
  if (subject === undefined) return undefined;
  const commonNames = asList(subject.CN);
  // Go keeps the last CN when a subject has several (pkix.Name.FillFromRDNSequence).
  const user = commonNames.at(-1) ?? '';
  if (user === '') return undefined;
  return { user, groups: asList(subject.O) };
}

/**
 * Authenticates the client certificate of a TLS connection the way kube-apiserver does: the
 * server requests a certificate without requiring one (`requestCert: true, rejectUnauthorized:
 * false`, Go's `tls.RequestClientCert`), and each request then checks it against the client CA
 * (chain and `clientAuth` usage) before mapping CN/O to the user.
 *
 * @param socket - The request's socket (`req.socket`), from an HTTPS server created with `ca` set
 * to the client CA.
 * @returns `none` without TLS, without a certificate or with an empty CN; `failed` when the
 * certificate does not verify (kube-apiserver then answers 401); else the identity.
 *
 * @example
 * ```ts
 * import { authenticateClientCertificate } from 'kube-events/testing';
 *
 * const result = authenticateClientCertificate(req.socket);
 * if (result.status === 'authenticated') console.log(result.identity.user);
 * ```
 */
export function authenticateClientCertificate(socket: Socket): ClientCertificateAuthentication {
  if (!(socket instanceof TLSSocket)) return { status: 'none' };
  const peer = socket.getPeerCertificate();
  // An empty object when the client sent no certificate.
  if (Object.keys(peer).length === 0) return { status: 'none' };
  if (!socket.authorized) {
    // Typed as an Error, but Node sets the OpenSSL verification code string.
    const reason = socket.authorizationError as Error | string | null | undefined;
    return { status: 'failed', reason: reason instanceof Error ? reason.message : (reason ?? 'UNVERIFIED') };
  }
  const identity = readClientCertificateIdentity(peer);
  return identity === undefined ? { status: 'none' } : { status: 'authenticated', identity };
}

function parsePem(pem: string): NodeX509Certificate {
  try {
    return new NodeX509Certificate(pem);
  } catch {
    throw new InvalidOptionError('certificate', 'a PEM certificate', pem.length > 80 ? `${pem.slice(0, 77)}...` : pem);
  }
}

async function issue(
  ca: CertificateKeyPair,
  subject: X509.JsonNameParams,
  validityDays: unknown,
  extensions: X509.Extension[],
): Promise<CertificateKeyPair> {
  const validity = validityWindow(validityDays);
  const x509 = await loadX509();
  const issuer = parseCertificateAuthority(x509, ca);
  const signingKey = await importSigningKey(ca.keyPem);
  const keys = await generateKeyPair();
  const caKeyId = issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const certificate = await generate(async () =>
    x509.X509CertificateGenerator.create({
      subject: new x509.Name(subject),
      issuer: issuer.subjectName,
      ...validity,
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // ECDSA keys sign the handshake; OpenSSL rejects an EC leaf whose keyUsage lacks it.
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        caKeyId === undefined
          ? await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey)
          : new x509.AuthorityKeyIdentifierExtension(caKeyId),
      ],
    }),
  );
  return { certPem: certificate.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
}

function parseCertificateAuthority(x509: typeof X509, ca: CertificateKeyPair): X509.X509Certificate {
  let certificate: X509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(ca.certPem);
  } catch {
    throw new InvalidOptionError('ca.certPem', 'a PEM certificate', ca.certPem);
  }
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (constraints?.ca !== true) {
    throw new InvalidOptionError('ca.certPem', 'a CA certificate (basicConstraints CA:TRUE)', certificate.subject);
  }
  return certificate;
}

async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new InvalidOptionError('ca.keyPem', 'a PEM private key', '[redacted]');
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new InvalidOptionError('ca.keyPem', 'an ECDSA P-256 private key', `${key.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim());
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

async function generate(build: () => Promise<X509.X509Certificate>): Promise<X509.X509Certificate> {
  try {
    return await build();
  } catch (cause) {
    if (cause instanceof KubeEventsError) throw cause;
    throw new CertificateGenerationError('Generating a test certificate failed', { cause });
  }
}

function validityWindow(validityDays: unknown): { notBefore: Date; notAfter: Date } {
  const days = validityDays ?? 1;
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
    throw new InvalidOptionError('validityDays', 'a finite number > 0', days);
  }
  const now = Date.now();
  // X.509 times have whole seconds; round so notBefore/notAfter round-trip exactly.
  const notBefore = new Date(Math.floor((now - CLOCK_SKEW_MS) / 1000) * 1000);
  const notAfter = new Date(Math.floor((now + days * DAY_MS) / 1000) * 1000);
  return { notBefore, notAfter };
}

function subjectAlternativeName(host: unknown, index: number): X509.JsonGeneralName {
  if (typeof host !== 'string' || host === '') {
    throw new InvalidOptionError(`hosts[${index}]`, 'a non-empty host name or IP address', host);
  }
  const version = isIP(host);
  if (version === 4) return { type: 'ip', value: host };
  if (version === 6) {
    // @peculiar/x509 encodes plain hex groups only, not an embedded dotted IPv4 tail.
    if (host.includes('.') || host.includes('%')) {
      throw new InvalidOptionError(`hosts[${index}]`, 'an IPv6 address in hex notation', host);
    }
    return { type: 'ip', value: host };
  }
  // RFC 1123 labels, optionally a leading `*.` wildcard, as Go's x509 accepts in dNSName SANs.
  if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host) || host.length > 253) {
    throw new InvalidOptionError(`hosts[${index}]`, 'a DNS name or an IP address', host);
  }
  return { type: 'dns', value: host };
}

/**
 * A name attribute value taken verbatim (the library's plain-string form would parse quotes,
 * backslashes and a leading `#`): PrintableString when it fits, else UTF8String, as Go's
 * crypto/x509 marshals pkix.Name.
 */
function directoryString(value: string): X509.JsonAttributeObject {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? { printableString: value } : { utf8String: value };
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(option, 'a non-empty string', value);
  }
  return value;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

let x509Module: Promise<typeof X509> | undefined;

/**
 * Loads `@peculiar/x509` once, wired to Node's WebCrypto. Its dependency tsyringe refuses to load
 * without a `Reflect.getMetadata` polyfill, so the three functions it calls are provided first
 * when no polyfill (such as `reflect-metadata`) is installed.
 */
async function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    installReflectMetadata();
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return x509Module;
}

type MetadataKey = unknown;
type MetadataTarget = object;

function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect['getMetadata'] === 'function') return;
  const store = new WeakMap<MetadataTarget, Map<MetadataKey, unknown>>();
  const getOwnMetadata = (key: MetadataKey, target: MetadataTarget): unknown => store.get(target)?.get(key);
  const getMetadata = (key: MetadataKey, target: MetadataTarget): unknown => {
    for (let current: MetadataTarget | null = target; current !== null; current = Reflect.getPrototypeOf(current)) {
      const own = store.get(current);
      if (own?.has(key) === true) return own.get(key);
    }
    return undefined;
  };
  const defineMetadata = (key: MetadataKey, value: unknown, target: MetadataTarget): void => {
    let own = store.get(target);
    if (own === undefined) {
      own = new Map();
      store.set(target, own);
    }
    own.set(key, value);
  };
  // Writable and configurable, so a real polyfill loaded later simply replaces them.
  for (const [name, value] of Object.entries({ getOwnMetadata, getMetadata, defineMetadata })) {
    Object.defineProperty(Reflect, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
