// IANA time zones for the zone select, and times shown in the member's own zone.

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every zone this browser knows (the API checks the same IANA names with Luxon), with `include` kept in the list. */
export function timeZoneOptions(include: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set([...zones, ...include.filter(Boolean), 'UTC']);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** "Tue, 8 Dec 2026, 15:00" in `zone` (the member's matching time zone), with the zone's short name. */
export function formatInZone(iso: string, zone: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleString(undefined, { ...options, timeZone: zone, timeZoneName: 'short' });
  } catch {
    return d.toLocaleString(undefined, options);
  }
}
