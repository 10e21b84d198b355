import { describe, expect, it } from 'vitest';
import { translateGoRegexp } from '../../../src/router/index.ts';
import { expandEnv } from '../../../src/router/exporter/expand-env.ts';

function matches(pattern: string, value: string): boolean {
  const t = translateGoRegexp(pattern);
  if (!t.ok) throw new Error(t.reason);
  return t.regexp.test(value);
}

function reason(pattern: string): string {
  const t = translateGoRegexp(pattern);
  if (t.ok) throw new Error(`${pattern} compiled`);
  return t.reason;
}

describe('translateGoRegexp', () => {
  it('matches unanchored, like Go\'s regexp.MatchString', () => {
    expect(matches('prod', 'preprod-1')).toBe(true);
    expect(matches('^prod$', 'preprod')).toBe(false);
    expect(matches('kube-*', 'kube-system')).toBe(true);
    expect(matches('Pod|Deployment', 'ReplicaSet')).toBe(false);
  });

  it('translates RE2 syntax JavaScript lacks or reads differently', () => {
    expect(matches('(?i)warning', 'WARNING')).toBe(true);
    expect(matches('(?P<kind>Pod)s?', 'Pods')).toBe(true);
    expect(matches('[[:upper:]][[:digit:]]+', 'x A12')).toBe(true);
    expect(matches('[[:upper:]]', 'abc')).toBe(false);
    expect(matches('\\Qa.b\\E', 'axb')).toBe(false);
    expect(matches('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('\\Aab\\z', 'ab\n')).toBe(false);
    expect(matches('[]x]', ']')).toBe(true);
    expect(matches('\\x{41}\\x42', 'AB')).toBe(true);
    expect(matches('\\101', 'A')).toBe(true);
    expect(matches('a{,2}', 'a{,2}')).toBe(true); // a literal in Go
  });

  it('keeps RE2 meanings of `.` and `\\s`', () => {
    expect(matches('a.b', 'a\rb')).toBe(true); // JavaScript's `.` would not match \r
    expect(matches('a.b', 'a\nb')).toBe(false);
    expect(matches('(?s)a.b', 'a\nb')).toBe(true);
    expect(matches('a\\sb', 'a\u00a0b')).toBe(false); // RE2 \s is ASCII only
    expect(matches('a\\sb', 'a\tb')).toBe(true);
    expect(matches('[\\s]', '\u2003')).toBe(false);
  });

  it('rejects what Go rejects, with Go\'s reason', () => {
    expect(reason('*test*')).toBe('missing argument to repetition operator: `*`');
    expect(reason('a|+b')).toBe('missing argument to repetition operator: `+`');
    expect(reason('a**')).toBe('invalid nested repetition operator: `**`');
    expect(reason('x(?=y)')).toBe('invalid or unsupported Perl syntax: `(?=`');
    expect(reason('(a)\\1')).toMatch(/^invalid escape sequence: `\\1`/);
    expect(reason('\\e')).toBe('invalid escape sequence: `\\e`');
    expect(reason('a{1001}')).toBe('invalid repeat count: `{1001}`');
    expect(reason('(a')).toBe('missing closing ): `(a`');
    expect(reason('[a')).toBe('missing closing ]: `[a`');
    expect(reason('a\\')).toBe('trailing backslash at end of expression');
    expect(translateGoRegexp('*x')).toMatchObject({ ok: false, unsupported: false });
  });

  it('marks what it does not translate as unsupported', () => {
    for (const p of ['\\pL', '(?U)a+', 'a(?i)b', '[[:^alpha:]]', '\\x{1F600}']) {
      expect(translateGoRegexp(p), p).toMatchObject({ ok: false, unsupported: true });
    }
  });
});

describe('expandEnv (Go os.ExpandEnv)', () => {
  const env = { API_KEY: 'k', EMPTY: '', '1': 'one' };
  it('expands ${VAR} and $VAR, unset as empty', () => {
    expect(expandEnv('key: ${API_KEY} $API_KEY ${UNSET}.', env)).toBe('key: k k .');
  });
  it('keeps a $ not followed by a name, and drops bad ${ syntax', () => {
    expect(expandEnv('a$ b$" c$', env)).toBe('a$ b$" c$');
    expect(expandEnv('^prod$\nx', env)).toBe('^prod$\nx');
    expect(expandEnv('x${}y', env)).toBe('xy');
    expect(expandEnv('x${y', env)).toBe('xy');
    expect(expandEnv('$1 ${1}', env)).toBe('one one');
  });
});
