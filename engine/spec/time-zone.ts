// Time zones of the spec (the partition's, a schedule's, a check deadline's): IANA names, checked
// against the zones this Node knows, with a did-you-mean from the same list.
import { didYouMean } from './diagnostics.js';

const checked = new Map<string, boolean>();

/** Whether Node knows the zone (remembered: a spec names the same few zones many times, ~1 ms each). */
export function validTimeZone(tz: string): boolean {
  let ok = checked.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    checked.set(tz, ok);
  }
  return ok;
}

let zones: string[] | undefined;

/** Every IANA zone name Node knows (its canonical names) and UTC, which the list leaves out. */
export function knownTimeZones(): readonly string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return zones;
}

/** The hint for an unknown zone: the nearest known name, or an example. */
export function timeZoneHint(tz: string, example: string): string {
  const guess = didYouMean(tz, knownTimeZones());
  return guess ? `did you mean \`${guess}\`?` : `use an IANA name such as ${example} (the Area/City names of the tz database)`;
}
