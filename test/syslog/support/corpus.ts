/**
 * The tricky-event corpus of issue 5: every message here must reach rsyslog and syslog-ng with
 * each parsed field equal to what we intended. `pins` are hand-written expectations on top of
 * the oracle, so the oracle cannot drift with the encoder unnoticed.
 */
import type { SyslogMessage } from '../../../src/syslog/index.ts';
import type { IntendedFields } from './intended-fields.ts';

/** One corpus entry. */
export interface CorpusCase {
  readonly name: string;
  readonly message: SyslogMessage;
  readonly pins?: Partial<IntendedFields>;
}

const at = '2024-05-01T12:00:00.123456Z';
const K8S = 'kubernetes@47450';
// 3000 UTF-8 bytes of 1-, 2-, 3- and 4-byte characters, so any cut can land mid-character.
const threeThousandBytes = 'aé€😀'.repeat(300);

/** The corpus. */
export const CORPUS: readonly CorpusCase[] = [
  {
    name: 'unicode message',
    message: { severity: 'info', timestamp: at, hostname: 'node-1', appName: 'kubelet', procId: '1234', msgId: 'Pulled', msg: 'Pulled image "nginx:1.25" — 日本語 🚀 Ünïcödé ∑' },
    pins: { msg: 'Pulled image "nginx:1.25" — 日本語 🚀 Ünïcödé ∑', timestamp: at, hostname: 'node-1' },
  },
  {
    name: '] " and \\ in label values and the message',
    message: {
      severity: 'warning',
      timestamp: at,
      hostname: 'node-1',
      appName: 'k8s.event/default/web-0/',
      structuredData: { [K8S]: { namespace_name: 'default', app: 'a]b"c\\d', tricky: '\\]"', empty: '' } },
      msg: 'quote " bracket ] backslash \\ [x@1 a="b"]',
    },
    pins: { structuredData: [{ id: K8S, params: [['namespace_name', 'default'], ['app', 'a]b"c\\d'], ['tricky', '\\]"'], ['empty', '']] }] },
  },
  {
    name: 'newlines in the message',
    message: { severity: 'err', timestamp: at, appName: 'app', msg: 'line 1\nline 2\n\tindented\r\nwindows line\n\n' },
    pins: { msg: 'line 1\nline 2\n\tindented\nwindows line' },
  },
  { name: '49-character APP-NAME', message: { severity: 'info', timestamp: at, appName: 'a'.repeat(49), msg: 'x' }, pins: { appName: 'a'.repeat(48) } },
  {
    name: '60-character APP-NAME',
    message: { severity: 'info', timestamp: at, appName: 'k8s.event/kube-system/coredns-5d78c9869d-abcde.17a6b2c3d4e5/', msg: 'x' },
    pins: { appName: 'k8s.event/kube-system/coredns-5d78c9869d-abcde.1' },
  },
  { name: '256-character HOSTNAME', message: { severity: 'info', timestamp: at, hostname: 'h'.repeat(256), msg: 'x' }, pins: { hostname: 'h'.repeat(255) } },
  {
    name: 'empty fields',
    message: { severity: 'notice', timestamp: at, hostname: '', appName: '', procId: '', msgId: '', structuredData: {}, msg: '' },
    pins: { hostname: null, appName: null, procId: null, msgId: null, structuredData: [], msg: null },
  },
  {
    name: 'label keys over 32 characters',
    message: {
      severity: 'info',
      timestamp: at,
      structuredData: { [K8S]: { 'app.kubernetes.io/some-really-long-label-key': 'x', 'example.com/another-very-long-label-key-here': 'y', short: 'z' } },
      msg: 'labels',
    },
  },
  { name: '3000-byte message', message: { severity: 'info', timestamp: at, hostname: 'node-1', msg: threeThousandBytes }, pins: { msg: threeThousandBytes } },
  {
    name: 'control characters',
    message: { severity: 'info', timestamp: at, msg: 'bell\x07 nul\x00 esc\x1b[31m del\x7f cr\r end', structuredData: { 'x@32473': { v: 'tab\there\nnext line' } } },
    pins: { msg: 'bell\u2407 nul\u2400 esc\u241b[31m del\u2421 cr\u240d end', structuredData: [{ id: 'x@32473', params: [['v', 'tab\there\nnext line']] }] },
  },
  {
    name: 'non-ASCII header fields',
    message: { severity: 'info', timestamp: at, hostname: 'nœud-1.example', appName: 'my app', procId: 'pid 7', msgId: 'ünï', msg: 'x' },
    pins: { hostname: 'n_ud-1.example', appName: 'my_app', procId: 'pid_7', msgId: '_n_' },
  },
  { name: 'NILVALUE timestamp and PRI 0', message: { facility: 'kern', severity: 'emerg', timestamp: null, hostname: 'node-1', msg: 'kernel panic' }, pins: { timestamp: null, facility: 0, severity: 0 } },
  {
    name: 'PRI 191 and a MicroTime with an offset',
    message: { facility: 'local7', severity: 'debug', timestamp: '2024-02-29T23:59:59.9999999+05:30', hostname: 'node-1', msg: 'x' },
    pins: { facility: 23, severity: 7, timestamp: '2024-02-29T18:29:59.999999Z' },
  },
  {
    name: 'SD element without params, registered SD-ID and numbers',
    message: { severity: 'info', timestamp: at, structuredData: { meta: {}, 'x@32473.1.2': { count: 3, ok: true, ratio: 0.5 } }, msg: 'x' },
    pins: { structuredData: [{ id: 'meta', params: [] }, { id: 'x@32473.1.2', params: [['count', '3'], ['ok', 'true'], ['ratio', '0.5']] }] },
  },
  {
    name: 'over-long PROCID and MSGID',
    message: { severity: 'info', timestamp: at, procId: 'p'.repeat(129), msgId: 'm'.repeat(33), msg: 'x' },
    pins: { procId: 'p'.repeat(128), msgId: 'm'.repeat(32) },
  },
  { name: 'leading and trailing spaces', message: { severity: 'info', timestamp: at, msg: '  padded  ' }, pins: { msg: '  padded  ' } },
  {
    name: 'SD names that collide after cleaning',
    message: { severity: 'info', timestamp: at, structuredData: { 'a b': { 'x=1': '1', x_1: '2' }, a_b: { y: '3' } }, msg: 'x' },
  },
  { name: 'lone surrogates', message: { severity: 'info', timestamp: at, msg: 'broken \ud800 pair \udc00' }, pins: { msg: 'broken \ufffd pair \ufffd' } },
];
