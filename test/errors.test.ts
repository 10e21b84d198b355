import { describe, expect, it } from 'vitest';
import { InvalidOptionError, KubeEventsError } from '../src/index.ts';

describe('InvalidOptionError', () => {
  it('names the option, the expectation and the value in one shape', () => {
    const err = new InvalidOptionError('eventTTL', 'a finite number > 0', -1);
    expect(err).toBeInstanceOf(KubeEventsError);
    expect(err.code).toBe('ERR_INVALID_OPTION');
    expect(err.name).toBe('InvalidOptionError');
    expect(err.option).toBe('eventTTL');
    expect(err.message).toBe('Expected `eventTTL` to be a finite number > 0, got `-1` (number)');
  });

  it('describes strings, arrays and null by their own type', () => {
    expect(new InvalidOptionError('a', 'x', 'abc').message).toContain('got `abc` (string)');
    expect(new InvalidOptionError('a', 'x', [1]).message).toContain('got `[1]` (array)');
    expect(new InvalidOptionError('a', 'x', null).message).toContain('got `null` (null)');
  });
});
