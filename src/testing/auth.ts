/**
 * Authentication (bearer tokens and client certificates) and a small RBAC-style authorizer, so
 * tests can see the real server's 401 and 403 responses.
 */
import type { IncomingMessage } from 'node:http';
import { authenticateClientCertificate } from './certificates.ts';

/** One RBAC PolicyRule (verbs × apiGroups × resources), optionally limited to namespaces. */
export interface PolicyRule {
  /** e.g. `['get', 'list', 'watch']`, or `['*']`. */
  verbs: readonly string[];
  /** e.g. `['']` for the core group, `['events.k8s.io']`, or `['*']`. */
  apiGroups: readonly string[];
  /** e.g. `['events']`, or `['*']`. Subresources as `pods/status`. */
  resources: readonly string[];
  /** Namespaces this rule applies in (a RoleBinding); absent → everywhere (a ClusterRoleBinding). */
  namespaces?: readonly string[];
}

/** A user the test cluster knows. */
export interface TestUser {
  /** The user name, e.g. `system:serviceaccount:default:exporter`. */
  name: string;
  /** Groups, e.g. `['system:serviceaccounts']`. */
  groups?: readonly string[];
  /** The bearer token; generated when absent. */
  token?: string;
  /** What the user may do; absent → everything (cluster-admin). */
  rules?: readonly PolicyRule[];
}

/** An authenticated user. */
export interface UserInfo {
  name: string;
  groups: readonly string[];
  rules: readonly PolicyRule[] | undefined;
}

/** Request attributes for authorization. */
export interface AuthzAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
}

function ruleAllows(rule: PolicyRule, a: AuthzAttributes): boolean {
  const has = (list: readonly string[], v: string) => list.includes('*') || list.includes(v);
  if (!has(rule.verbs, a.verb)) return false;
  if (!has(rule.apiGroups, a.group)) return false;
  const res = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  if (!has(rule.resources, res)) return false;
  if (rule.namespaces !== undefined && !rule.namespaces.includes(a.namespace)) return false;
  return true;
}

/** Users by token and by client-certificate common name. */
export class Authenticator {
  readonly #byToken = new Map<string, UserInfo>();
  readonly #byName = new Map<string, UserInfo>();

  add(user: TestUser & { token: string }): void {
    const info: UserInfo = { name: user.name, groups: [...(user.groups ?? []), 'system:authenticated'], rules: user.rules };
    this.#byToken.set(user.token, info);
    this.#byName.set(user.name, info);
  }

  /**
   * The user of a request, or undefined (→ 401). As kube-apiserver's union authenticator, the
   * client certificate is tried first, then the bearer token; a certificate that fails
   * verification is a 401.
   */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const cert = authenticateClientCertificate(req.socket);
    if (cert.status === 'failed') return undefined;
    if (cert.status === 'authenticated') {
      const { user, groups } = cert.identity;
      const known = this.#byName.get(user);
      if (known) return known;
      return { name: user, groups: [...groups, 'system:authenticated'], rules: groups.includes('system:masters') ? undefined : [] };
    }
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] === undefined ? undefined : this.#byToken.get(m[1]);
  }

  /** True when the user may do this. */
  authorize(user: UserInfo, a: AuthzAttributes): boolean {
    if (user.rules === undefined) return true;
    return user.rules.some((r) => ruleAllows(r, a));
  }
}
