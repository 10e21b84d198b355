import { describe, expect, it } from 'vitest';
import { KubeEventsError } from '../../../src/errors.ts';
import { parseFieldSelector } from '../../../src/testing/selectors/field-selector.ts';
import { parseLabelSelector } from '../../../src/testing/selectors/label-selector.ts';
import {
  checkSupportedFields,
  fieldLabelNotSupportedMessage,
  goQuote,
  InvalidFieldSelectorError,
  InvalidLabelSelectorError,
  invalidFieldSelector,
  invalidLabelSelector,
  notAKnownFieldSelectorMessage,
  unsupportedFieldLabel,
} from '../../../src/testing/selectors/selector-errors.ts';
import { ApiStatusError } from '../../../src/testing/status.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/** The wire body of a 400 BadRequest, exactly as `errors.NewBadRequest` builds it. */
function badRequestBody(message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 };
}

describe('parse errors', () => {
  it('are KubeEventsErrors with a literal code', () => {
    const label = thrown(() => parseLabelSelector('a in'));
    expect(label).toBeInstanceOf(InvalidLabelSelectorError);
    expect(label).toBeInstanceOf(KubeEventsError);
    expect((label as InvalidLabelSelectorError).name).toBe('InvalidLabelSelectorError');
    const field = thrown(() => parseFieldSelector('nope'));
    expect(field).toBeInstanceOf(InvalidFieldSelectorError);
    expect((field as InvalidFieldSelectorError).code).toBe('ERR_INVALID_FIELD_SELECTOR');
  });
});

describe('Status errors', () => {
  it('a label selector that does not parse is a 400 BadRequest carrying the parser text', () => {
    const err = invalidLabelSelector(thrown(() => parseLabelSelector('component not in (kube-apiserver)')) as InvalidLabelSelectorError);
    expect(err).toBeInstanceOf(ApiStatusError);
    expect(err.status).toEqual(
      badRequestBody("unable to parse requirement: found 'not', expected: in, notin, =, ==, !=, gt, lt"),
    );
    expect(err.message).toBe("unable to parse requirement: found 'not', expected: in, notin, =, ==, !=, gt, lt");
  });

  it('a field selector that does not parse is a 400 BadRequest carrying the parser text', () => {
    const err = invalidFieldSelector(thrown(() => parseFieldSelector('foo')) as InvalidFieldSelectorError);
    expect(err.status).toEqual(badRequestBody("invalid selector: 'foo'; can't understand 'foo'"));
  });

  it('an unsupported field is a 400 BadRequest', () => {
    expect(unsupportedFieldLabel('message').status).toEqual(badRequestBody('field label not supported: message'));
    expect(unsupportedFieldLabel('foo.bar', notAKnownFieldSelectorMessage).status).toEqual(
      badRequestBody('"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"'),
    );
    expect(fieldLabelNotSupportedMessage('')).toBe('field label not supported: ');
  });
});

describe('checkSupportedFields', () => {
  const events = new Set(['involvedObject.name', 'involvedObject.kind', 'reason', 'type', 'metadata.name', 'metadata.namespace']);

  it('passes when every field is supported, and for the empty selector', () => {
    expect(() => {
      checkSupportedFields(parseFieldSelector('involvedObject.name=web,type!=Normal'), events);
    }).not.toThrow();
    expect(() => {
      checkSupportedFields(parseFieldSelector(''), new Set());
    }).not.toThrow();
  });

  it('throws the first unsupported field in the selector order', () => {
    const err = thrown(() => {
      checkSupportedFields(parseFieldSelector('zeta=1,reason=x,message=oops,alpha=2'), events);
    });
    expect(err).toBeInstanceOf(ApiStatusError);
    expect((err as ApiStatusError).status).toEqual(badRequestBody('field label not supported: alpha'));
  });

  it('uses the given message', () => {
    const err = thrown(() => {
      checkSupportedFields(parseFieldSelector('spec.replicas=1'), new Set(['metadata.name', 'metadata.namespace']), {
        message: notAKnownFieldSelectorMessage,
      });
    });
    expect((err as ApiStatusError).status.message).toBe('"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('ignores terms that parse to nothing', () => {
    expect(() => {
      checkSupportedFields(parseFieldSelector('=,!='), new Set());
    }).not.toThrow();
  });
});

describe('goQuote', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['say "hi"\\', '"say \\"hi\\"\\\\"'],
    ['\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\u0000\u001f\u007f', '"\\x00\\x1f\\x7f"'],
    ['é ☃ \u{1F600}', '"é ☃ \u{1F600}"'],
    ['\u00a0\u200b', '"\\u00a0\\u200b"'],
    ['\u{E0001}', '"\\U000e0001"'],
    ['\ud800', '"\ufffd"'],
  ])('%j → %s', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });
});
