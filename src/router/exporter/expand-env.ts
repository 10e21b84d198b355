/**
 * Go's `os.ExpandEnv`, which kubernetes-event-exporter applies to its whole config file before
 * parsing it (main.go): `${VAR}` and `$VAR` are replaced by the variable's value (`''` when
 * unset), `$1`, `$*`… by the "special variable" of that name, a `$` not followed by a name is
 * kept, and malformed `${` / `${}` are dropped (os/env.go `Expand` and `getShellName`).
 *
 * @module
 */

function isShellSpecial(c: string): boolean {
  return '*#$@!?-'.includes(c) || (c >= '0' && c <= '9');
}

function isAlphaNum(c: string): boolean {
  return c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** The variable name after a `$` and how many characters it takes, as Go's getShellName. */
function shellName(s: string): { name: string; width: number } {
  const c = s[0] ?? '';
  if (c === '{') {
    if (s.length > 2 && isShellSpecial(s[1] ?? '') && s[2] === '}') return { name: s.slice(1, 2), width: 3 };
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? { name: '', width: 2 } : { name: s.slice(1, i), width: i + 1 };
    }
    return { name: '', width: 1 };
  }
  if (isShellSpecial(c)) return { name: c, width: 1 };
  let i = 0;
  while (i < s.length && isAlphaNum(s[i] ?? '')) i++;
  return { name: s.slice(0, i), width: i };
}

/**
 * Expands environment variables in `text` exactly as Go's `os.ExpandEnv`.
 *
 * @param text - The text.
 * @param env - The variables.
 * @returns The expanded text.
 *
 * @example
 * ```ts
 * expandEnv('apiKey: ${API_KEY}', { API_KEY: 'k' }); // 'apiKey: k'
 * ```
 */
export function expandEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  let start = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(start, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name === '' && width > 0) {
      // Invalid syntax: Go eats the characters.
    } else if (name === '') {
      out += '$';
    } else {
      out += Object.hasOwn(env, name) ? (env[name] ?? '') : '';
    }
    j += width;
    start = j + 1;
  }
  return out + text.slice(start);
}
