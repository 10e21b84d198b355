/**
 * How each receiver presents a message whose fields are known, i.e. its documented quirks:
 * rsyslog writes NILVALUE fields as `-` (our records turn that into `undefined`) and keeps the
 * BOM in `msg`; syslog-ng leaves NILVALUE fields unset, fills a NILVALUE HOSTNAME with the
 * sender's address, strips the BOM, and writes `Z` as `+00:00`. A NILVALUE TIMESTAMP becomes
 * the time of reception on both.
 */
import { expect } from 'vitest';
import type { IntendedFields } from './intended-fields.ts';
import { parseRfc5424 } from './rfc5424-parser.ts';
import type { ReceivedFields, ReceivedRecord, Receiver } from './receivers.ts';

const SENDER_ADDRESS = '127.0.0.1';

/** What `kind` must show for a message with these fields (TIMESTAMP aside when it is nil). */
export function receiverView(kind: Receiver['kind'], fields: IntendedFields, bom: boolean): Omit<ReceivedFields, 'timestamp'> & { timestamp: string | null } {
  const none = (value: string | null): string | undefined => value ?? undefined;
  const structuredData = Object.fromEntries(fields.structuredData.map((e) => [e.id, Object.fromEntries(e.params)]));
  const common = {
    pri: fields.facility * 8 + fields.severity,
    appName: none(fields.appName),
    procId: none(fields.procId),
    msgId: none(fields.msgId),
    structuredData,
  };
  if (kind === 'rsyslog') {
    return { ...common, timestamp: fields.timestamp, hostname: none(fields.hostname), msg: fields.msg === null ? undefined : `${bom ? '\ufeff' : ''}${fields.msg}` };
  }
  return {
    ...common,
    timestamp: fields.timestamp?.replace(/Z$/, '+00:00') ?? null,
    hostname: fields.hostname ?? SENDER_ADDRESS,
    msg: none(fields.msg),
  };
}

function withoutTimestamp(fields: Omit<ReceivedFields, 'timestamp'>): Omit<ReceivedFields, 'timestamp'> {
  const { pri, hostname, appName, procId, msgId, msg, structuredData } = fields;
  return { pri, hostname, appName, procId, msgId, msg, structuredData };
}

/** The fields of a parsed record, in oracle shape. */
export function fieldsOfRaw(raw: string): IntendedFields & { bom: boolean } {
  const p = parseRfc5424(new TextEncoder().encode(raw));
  return {
    facility: p.facility,
    severity: p.severity,
    timestamp: p.timestamp,
    hostname: p.hostname,
    appName: p.appName,
    procId: p.procId,
    msgId: p.msgId,
    structuredData: p.structuredData,
    msg: p.msg,
    bom: p.bom,
  };
}

/**
 * Asserts that `record` shows exactly `intended`, and that the strict parser reads the raw
 * message the way the receiver did.
 */
export function expectReceived(kind: Receiver['kind'], record: ReceivedRecord, intended: IntendedFields, bom: boolean, window: { from: number; to: number }): void {
  const view = receiverView(kind, intended, bom);
  expect(withoutTimestamp(record.fields)).toEqual(withoutTimestamp(view));
  if (view.timestamp === null) {
    // NILVALUE: the receiver stamps the time of reception.
    const received = Date.parse(record.fields.timestamp ?? '');
    expect(received).toBeGreaterThanOrEqual(window.from - 1000);
    expect(received).toBeLessThanOrEqual(window.to + 1000);
  } else {
    expect(record.fields.timestamp).toBe(view.timestamp);
  }
  const parsed = fieldsOfRaw(record.raw);
  expect(withoutTimestamp(record.fields)).toEqual(withoutTimestamp(receiverView(kind, parsed, parsed.bom)));
}
