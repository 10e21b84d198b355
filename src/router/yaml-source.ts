/**
 * Parsing YAML configs and pointing issues at the line they come from.
 *
 * @module
 */
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { PathSegment, PendingIssue } from './config-issues.ts';
import { toIssue } from './config-issues.ts';
import { RouterConfigError } from './router-errors.ts';

/** A parsed YAML config. */
export interface YamlSource {
  /** The config as plain JS values. */
  readonly value: unknown;
  /** Throws the issues as a {@link RouterConfigError}, each with the line and column of its node. */
  fail(issues: readonly PendingIssue[]): never;
}

/**
 * Parses YAML (1.2 core schema, unique keys, alias count bounded by `yaml`'s default). A syntax
 * error is thrown as a {@link RouterConfigError} with code `yaml-syntax`.
 *
 * @param text - The YAML text.
 * @returns The parsed value and a way to report issues with positions.
 */
export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const base = { code: 'yaml-syntax' as const, path: '', message: e.message.split('\n')[0] ?? e.message, fix: 'fix the YAML syntax at that line' };
      const pos = lineCounter.linePos(e.pos[0]);
      return { ...base, line: pos.line, column: pos.col };
    });
    throw new RouterConfigError(issues, { cause: doc.errors[0] });
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const locate = (segments: readonly PathSegment[]): { line: number; column: number } | undefined => {
    // The deepest node that exists on the path (a missing key points at its parent).
    for (let n = segments.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  return {
    value,
    fail(issues) {
      throw new RouterConfigError(issues.map((i) => toIssue(i, locate(i.segments))));
    },
  };
}
