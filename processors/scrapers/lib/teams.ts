// The 30 NBA teams and every spelling the sources use for them: nba.com tricodes and "City Name",
// odds-api full names ("Los Angeles Clippers"), injury-report names ("LA Clippers"), and the
// alternative abbreviations some feeds print (PHO, GS, NO, SA, NY, BRK, CHO, UTAH, WSH).
interface TeamNames {
  abbr: string;
  names: string[];
  aliases?: string[];
}

const TEAMS: TeamNames[] = [
  { abbr: 'ATL', names: ['Atlanta Hawks'] },
  { abbr: 'BOS', names: ['Boston Celtics'] },
  { abbr: 'BKN', names: ['Brooklyn Nets'], aliases: ['BRK', 'BKLYN', 'NJN'] },
  { abbr: 'CHA', names: ['Charlotte Hornets'], aliases: ['CHO', 'CHH'] },
  { abbr: 'CHI', names: ['Chicago Bulls'] },
  { abbr: 'CLE', names: ['Cleveland Cavaliers'] },
  { abbr: 'DAL', names: ['Dallas Mavericks'] },
  { abbr: 'DEN', names: ['Denver Nuggets'] },
  { abbr: 'DET', names: ['Detroit Pistons'] },
  { abbr: 'GSW', names: ['Golden State Warriors'], aliases: ['GS', 'GOS'] },
  { abbr: 'HOU', names: ['Houston Rockets'] },
  { abbr: 'IND', names: ['Indiana Pacers'] },
  { abbr: 'LAC', names: ['LA Clippers', 'Los Angeles Clippers'] },
  { abbr: 'LAL', names: ['Los Angeles Lakers', 'LA Lakers'] },
  { abbr: 'MEM', names: ['Memphis Grizzlies'] },
  { abbr: 'MIA', names: ['Miami Heat'] },
  { abbr: 'MIL', names: ['Milwaukee Bucks'] },
  { abbr: 'MIN', names: ['Minnesota Timberwolves'] },
  { abbr: 'NOP', names: ['New Orleans Pelicans'], aliases: ['NO', 'NOR', 'NOH'] },
  { abbr: 'NYK', names: ['New York Knicks'], aliases: ['NY'] },
  { abbr: 'OKC', names: ['Oklahoma City Thunder'] },
  { abbr: 'ORL', names: ['Orlando Magic'] },
  { abbr: 'PHI', names: ['Philadelphia 76ers', 'Philadelphia Sixers'] },
  { abbr: 'PHX', names: ['Phoenix Suns'], aliases: ['PHO'] },
  { abbr: 'POR', names: ['Portland Trail Blazers', 'Portland Trailblazers'] },
  { abbr: 'SAC', names: ['Sacramento Kings'] },
  { abbr: 'SAS', names: ['San Antonio Spurs'], aliases: ['SA'] },
  { abbr: 'TOR', names: ['Toronto Raptors'] },
  { abbr: 'UTA', names: ['Utah Jazz'], aliases: ['UTAH', 'UTH'] },
  { abbr: 'WAS', names: ['Washington Wizards'], aliases: ['WSH'] },
];

const key = (s: string) => s.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toUpperCase();

const BY_KEY = new Map<string, string>();
for (const t of TEAMS) {
  BY_KEY.set(t.abbr, t.abbr);
  for (const a of t.aliases ?? []) BY_KEY.set(key(a), t.abbr);
  for (const n of t.names) BY_KEY.set(key(n), t.abbr);
}

export const TEAM_ABBRS: readonly string[] = TEAMS.map((t) => t.abbr);

/** Any spelling of a team (tricode, alias, full name) → the nba.com tricode, or undefined when unknown. */
export function teamAbbr(nameOrAbbr: string | null | undefined): string | undefined {
  if (!nameOrAbbr) return undefined;
  return BY_KEY.get(key(nameOrAbbr));
}
