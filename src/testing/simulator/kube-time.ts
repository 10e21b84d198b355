/** Time formats of the Kubernetes API, for the simulator's objects and Events. */

/** RFC 3339 with seconds precision in UTC, as Kubernetes serializes `metav1.Time`: `2024-05-01T12:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The suffix client-go's recorder puts after an Event's object name: `UnixNano()` in lowercase hex
 * (tools/record/event.go, `fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())`).
 */
export function nanosHex(nanos: bigint): string {
  return nanos.toString(16);
}
