// Weekly availability in the member's own time zone: a grid of days × parts of the day (the API's `parts` model:
// morning 08–12, afternoon 12–17, evening 17–21 unless the member's partRanges say otherwise), whole dates off
// (`exceptions`), and the IANA zone it is all said in. Exact ranges set through the API are kept as they are.
import { useMemo, useState } from 'react';
import { api, ApiRequestError, describeError } from '../api/client.js';
import { Badge, Button, SelectField, TextField } from '../ui/kit.js';
import { browserTimeZone, timeZoneOptions } from './time-zones.js';
import { DAY_PARTS, WEEKDAYS, type Availability, type DayPart, type MatchingProfile, type Weekday } from './types.js';

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const DEFAULT_PART_RANGES: Record<DayPart, { start: string; end: string }> = {
  morning: { start: '08:00', end: '12:00' },
  afternoon: { start: '12:00', end: '17:00' },
  evening: { start: '17:00', end: '21:00' },
};
const WEEKDAY_SET: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const WEEKEND_SET: Weekday[] = ['sat', 'sun'];

type Grid = Record<DayPart, Set<Weekday>>;

/** The API's parts (presets and {days, part}) as a days × parts grid. */
export function gridFromParts(parts: Availability['parts']): Grid {
  const grid: Grid = { morning: new Set(), afternoon: new Set(), evening: new Set() };
  for (const p of parts ?? []) {
    if (typeof p === 'string') {
      const [which, plural] = p.split('_') as ['weekday' | 'weekend', string];
      const part = plural.replace(/s$/, '') as DayPart;
      for (const d of which === 'weekday' ? WEEKDAY_SET : WEEKEND_SET) grid[part].add(d);
    } else {
      for (const d of p.days) grid[p.part].add(d);
    }
  }
  return grid;
}

/** The grid back as {days, part} entries, one per part that has any day. */
export function partsFromGrid(grid: Grid): NonNullable<Availability['parts']> {
  return DAY_PARTS.filter((part) => grid[part].size > 0).map((part) => ({ days: WEEKDAYS.filter((d) => grid[part].has(d)), part }));
}

export function AvailabilityEditor({ profile, onSaved }: { profile: MatchingProfile; onSaved: (p: MatchingProfile) => void }) {
  const initialZone = profile.timeZone ?? browserTimeZone();
  const [zone, setZone] = useState(initialZone);
  const [grid, setGrid] = useState<Grid>(() => gridFromParts(profile.availability?.parts));
  const [exceptions, setExceptions] = useState<string[]>(() => [...(profile.availability?.exceptions ?? [])].sort());
  const [newDate, setNewDate] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => timeZoneOptions([initialZone, browserTimeZone()]), [initialZone]);
  const ranges = profile.availability?.ranges ?? [];
  const partRanges = { ...DEFAULT_PART_RANGES, ...(profile.availability?.partRanges ?? {}) };
  const apiError = error instanceof ApiRequestError ? error : undefined;

  function toggle(part: DayPart, day: Weekday, on: boolean) {
    setSaved(false);
    setGrid((g) => {
      const next = { ...g, [part]: new Set(g[part]) };
      if (on) next[part].add(day);
      else next[part].delete(day);
      return next;
    });
  }

  function addException() {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(newDate) || exceptions.includes(newDate)) return;
    setSaved(false);
    setExceptions((list) => [...list, newDate].sort());
    setNewDate('');
  }

  async function save() {
    setSaving(true);
    setError(undefined);
    setSaved(false);
    try {
      const availability: Availability = { parts: partsFromGrid(grid), exceptions };
      if (ranges.length > 0) availability.ranges = ranges;
      if (profile.availability?.partRanges) availability.partRanges = profile.availability.partRanges;
      onSaved(await api.put<MatchingProfile>('/v1/me/matching/availability', { timeZone: zone, availability }));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <SelectField
        id="availability-zone"
        label="Your time zone"
        hint="Times below are in this zone; partners see common times in theirs."
        value={zone}
        onChange={(e) => {
          setZone(e.target.value);
          setSaved(false);
        }}
        options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
        error={apiError?.fieldMessage('timeZone')}
      />
      <fieldset className="availability-week">
        <legend>When you are usually free</legend>
        <div className="table-wrap">
          <table className="availability-grid">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Part of the day</span>
                </th>
                {WEEKDAYS.map((d) => (
                  <th scope="col" key={d}>
                    <abbr title={DAY_NAMES[d]}>{d.slice(0, 1).toUpperCase() + d.slice(1, 2)}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {DAY_PARTS.map((part) => (
                <tr key={part}>
                  <th scope="row">
                    {part[0]!.toUpperCase() + part.slice(1)}
                    <span className="part-hours">
                      {partRanges[part].start}–{partRanges[part].end}
                    </span>
                  </th>
                  {WEEKDAYS.map((d) => (
                    <td key={d}>
                      <input type="checkbox" id={`availability-${part}-${d}`} aria-label={`${DAY_NAMES[d]} ${part}`} checked={grid[part].has(d)} onChange={(e) => toggle(part, d, e.target.checked)} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>
      {ranges.length > 0 ? (
        <p className="hint">
          Also kept: {ranges.map((r) => `${DAY_NAMES[r.day]} ${r.start}–${r.end}`).join(', ')}.
        </p>
      ) : null}
      <fieldset className="stack">
        <legend>Dates you are away</legend>
        {exceptions.length === 0 ? (
          <p className="hint">No dates off.</p>
        ) : (
          <ul className="list exceptions">
            {exceptions.map((d) => (
              <li key={d} className="row">
                <span>{new Date(`${d}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}</span>
                <Button
                  variant="ghost"
                  aria-label={`Remove ${d}`}
                  onClick={() => {
                    setSaved(false);
                    setExceptions((list) => list.filter((x) => x !== d));
                  }}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="row align-end">
          <TextField id="availability-exception" label="Add a date off" type="date" value={newDate} onChange={(e) => setNewDate(e.target.value)} error={apiError?.details.find((d) => d.field.includes('exceptions'))?.message} />
          <Button onClick={addException} disabled={!newDate}>
            Add date
          </Button>
        </div>
      </fieldset>
      <div className="row">
        <Button type="submit" variant="primary" busy={saving}>
          Save availability
        </Button>
        {saved ? (
          <span role="status">
            <Badge tone="good">Availability saved</Badge>
          </span>
        ) : null}
      </div>
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
    </form>
  );
}
