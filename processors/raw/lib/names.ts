// player_lookup: the one player key every raw table uses — lower-case letters a-z only, accents
// folded ("Nikola Jokić" → "nikolajokic"), suffixes kept ("Gary Trent Jr." → "garytrentjr"), and the
// injury report's "Last, First" turned around first ("James, LeBron" → "lebronjames").

/** Any spelling of a player's name → player_lookup ('' when the name has no letters). */
export function playerLookup(name: string | null | undefined): string {
  if (!name) return '';
  let n = name.trim();
  const comma = n.indexOf(',');
  if (comma > 0) n = `${n.slice(comma + 1)} ${n.slice(0, comma)}`;
  return n.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}
