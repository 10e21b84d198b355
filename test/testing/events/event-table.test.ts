import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import { eventTableCells, eventTableColumns, humanDuration } from '../../../src/testing/events/event-table.ts';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
const agoMicro = (ms: number): string => new Date(NOW.getTime() - ms).toISOString().replace('Z', '000Z');

describe('eventTableColumns', () => {
  it('has upstream names, priorities and formats', () => {
    expect(eventTableColumns.map((c) => [c.name, c.type, c.format, c.priority])).toStrictEqual([
      ['Last Seen', 'string', '', 0],
      ['Type', 'string', '', 0],
      ['Reason', 'string', '', 0],
      ['Object', 'string', '', 0],
      ['Subobject', 'string', '', 1],
      ['Source', 'string', '', 1],
      ['Message', 'string', '', 0],
      ['First Seen', 'string', '', 1],
      ['Count', 'string', '', 1],
      ['Name', 'string', 'name', 1],
    ]);
    expect(eventTableColumns[0]?.description).toBe('The time at which the most recent occurrence of this event was recorded.');
    expect(eventTableColumns[9]?.description).toMatch(/^Name must be unique within a namespace\. .*names#names$/);
  });
});

describe('eventTableCells', () => {
  it('prints a legacy event', () => {
    const ev: JsonObject = {
      metadata: { name: 'web-0.17a' },
      involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{web}' },
      reason: 'BackOff',
      message: '  Back-off restarting\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(3 * 3600_000 + 2 * 60_000),
      lastTimestamp: ago(5 * 60_000),
      count: 7,
      type: 'Warning',
    };
    expect(eventTableCells(ev, NOW)).toStrictEqual(['5m', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{web}', 'kubelet, node-1', 'Back-off restarting', '3h2m', 7, 'web-0.17a']);
  });

  it('uses eventTime for First Seen, and First Seen for Last Seen, when the old timestamps are unset', () => {
    const ev: JsonObject = {
      metadata: { name: 'op.1' },
      involvedObject: { kind: 'Deployment', name: 'web' },
      eventTime: agoMicro(90_000),
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'example.com/op',
      reportingInstance: 'op-7d9',
      source: {},
    };
    const cells = eventTableCells(ev, NOW.getTime());
    expect(cells[0]).toBe('90s');
    expect(cells[5]).toBe('example.com/op, op-7d9');
    expect(cells[7]).toBe('90s');
    expect(cells[8]).toBe(1);
  });

  it('takes Last Seen and Count from the series', () => {
    const ev: JsonObject = {
      metadata: { name: 's' },
      involvedObject: { kind: 'Node' },
      eventTime: agoMicro(2 * 86400_000 + 3 * 3600_000),
      series: { count: 12, lastObservedTime: agoMicro(30_000) },
      count: 99,
    };
    const cells = eventTableCells(ev, NOW);
    expect(cells[0]).toBe('30s');
    expect(cells[3]).toBe('node');
    expect(cells[7]).toBe('2d3h');
    expect(cells[8]).toBe(12);
  });

  it('prints <unknown> without any time, and an empty source as ""', () => {
    const cells = eventTableCells({ metadata: { name: 'x' } }, NOW);
    expect(cells).toStrictEqual(['<unknown>', '', '', '', '', '', '', '<unknown>', 1, 'x']);
    const seriesWithoutTime = eventTableCells({ series: { count: 2 }, lastTimestamp: ago(1000) }, NOW);
    expect(seriesWithoutTime[0]).toBe('<unknown>');
  });

  it('combines host and component independently', () => {
    expect(eventTableCells({ source: { host: 'node-1' }, reportingComponent: 'rc' }, NOW)[5]).toBe('rc, node-1');
    expect(eventTableCells({ source: { component: 'c' }, reportingInstance: 'ri' }, NOW)[5]).toBe('c, ri');
    expect(eventTableCells({ source: { host: 'h' } }, NOW)[5]).toBe(', h');
  });

  it("trims the message as Go's strings.TrimSpace does", () => {
    expect(eventTableCells({ message: '\u0085\u00a0 hi \u3000' }, NOW)[6]).toBe('hi');
    expect(eventTableCells({ message: '\ufeffhi\ufeff' }, NOW)[6]).toBe('\ufeffhi\ufeff');
  });
});

describe('humanDuration', () => {
  it.each([
    [-2000, '<invalid>'],
    [-1999, '0s'],
    [0, '0s'],
    [59_999, '59s'],
    [119_999, '119s'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [599_000, '9m59s'],
    [600_000, '10m'],
    [179 * 60_000 + 59_000, '179m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 2 * 60_000 + 59_000, '3h2m'],
    [8 * 3600_000 - 1, '7h59m'],
    [8 * 3600_000, '8h'],
    [47 * 3600_000, '47h'],
    [48 * 3600_000, '2d'],
    [51 * 3600_000, '2d3h'],
    [8 * 86400_000 - 1, '7d23h'],
    [8 * 86400_000, '8d'],
    [729 * 86400_000, '729d'],
    [730 * 86400_000, '2y'],
    [775 * 86400_000, '2y45d'],
    [8 * 365 * 86400_000, '8y'],
    [20 * 365 * 86400_000 + 5 * 86400_000, '20y'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
