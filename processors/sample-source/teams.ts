// The 30 NBA franchises with their real nba.com team ids, arenas and home time zone
// (the time zone drives local tip-off times in the generated schedule).

export type TimeZone = 'ET' | 'CT' | 'MT' | 'PT';

export interface Team {
  id: number;
  abbr: string;
  city: string;
  name: string;
  /** Full name as odds-api prints it ("Los Angeles Clippers", not "LA Clippers"). */
  fullName: string;
  arena: string;
  arenaCity: string;
  arenaState: string;
  tz: TimeZone;
  conference: 'East' | 'West';
}

type Row = [number, string, string, string, string, string, string, TimeZone, 'East' | 'West'];

const ROWS: Row[] = [
  [1610612737, 'ATL', 'Atlanta', 'Hawks', 'State Farm Arena', 'Atlanta', 'GA', 'ET', 'East'],
  [1610612738, 'BOS', 'Boston', 'Celtics', 'TD Garden', 'Boston', 'MA', 'ET', 'East'],
  [1610612751, 'BKN', 'Brooklyn', 'Nets', 'Barclays Center', 'Brooklyn', 'NY', 'ET', 'East'],
  [1610612766, 'CHA', 'Charlotte', 'Hornets', 'Spectrum Center', 'Charlotte', 'NC', 'ET', 'East'],
  [1610612741, 'CHI', 'Chicago', 'Bulls', 'United Center', 'Chicago', 'IL', 'CT', 'East'],
  [1610612739, 'CLE', 'Cleveland', 'Cavaliers', 'Rocket Arena', 'Cleveland', 'OH', 'ET', 'East'],
  [1610612742, 'DAL', 'Dallas', 'Mavericks', 'American Airlines Center', 'Dallas', 'TX', 'CT', 'West'],
  [1610612743, 'DEN', 'Denver', 'Nuggets', 'Ball Arena', 'Denver', 'CO', 'MT', 'West'],
  [1610612765, 'DET', 'Detroit', 'Pistons', 'Little Caesars Arena', 'Detroit', 'MI', 'ET', 'East'],
  [1610612744, 'GSW', 'Golden State', 'Warriors', 'Chase Center', 'San Francisco', 'CA', 'PT', 'West'],
  [1610612745, 'HOU', 'Houston', 'Rockets', 'Toyota Center', 'Houston', 'TX', 'CT', 'West'],
  [1610612754, 'IND', 'Indiana', 'Pacers', 'Gainbridge Fieldhouse', 'Indianapolis', 'IN', 'ET', 'East'],
  [1610612746, 'LAC', 'LA', 'Clippers', 'Intuit Dome', 'Inglewood', 'CA', 'PT', 'West'],
  [1610612747, 'LAL', 'Los Angeles', 'Lakers', 'Crypto.com Arena', 'Los Angeles', 'CA', 'PT', 'West'],
  [1610612763, 'MEM', 'Memphis', 'Grizzlies', 'FedExForum', 'Memphis', 'TN', 'CT', 'West'],
  [1610612748, 'MIA', 'Miami', 'Heat', 'Kaseya Center', 'Miami', 'FL', 'ET', 'East'],
  [1610612749, 'MIL', 'Milwaukee', 'Bucks', 'Fiserv Forum', 'Milwaukee', 'WI', 'CT', 'East'],
  [1610612750, 'MIN', 'Minnesota', 'Timberwolves', 'Target Center', 'Minneapolis', 'MN', 'CT', 'West'],
  [1610612740, 'NOP', 'New Orleans', 'Pelicans', 'Smoothie King Center', 'New Orleans', 'LA', 'CT', 'West'],
  [1610612752, 'NYK', 'New York', 'Knicks', 'Madison Square Garden', 'New York', 'NY', 'ET', 'East'],
  [1610612760, 'OKC', 'Oklahoma City', 'Thunder', 'Paycom Center', 'Oklahoma City', 'OK', 'CT', 'West'],
  [1610612753, 'ORL', 'Orlando', 'Magic', 'Kia Center', 'Orlando', 'FL', 'ET', 'East'],
  [1610612755, 'PHI', 'Philadelphia', '76ers', 'Xfinity Mobile Arena', 'Philadelphia', 'PA', 'ET', 'East'],
  [1610612756, 'PHX', 'Phoenix', 'Suns', 'PHX Arena', 'Phoenix', 'AZ', 'MT', 'West'],
  [1610612757, 'POR', 'Portland', 'Trail Blazers', 'Moda Center', 'Portland', 'OR', 'PT', 'West'],
  [1610612758, 'SAC', 'Sacramento', 'Kings', 'Golden 1 Center', 'Sacramento', 'CA', 'PT', 'West'],
  [1610612759, 'SAS', 'San Antonio', 'Spurs', 'Frost Bank Center', 'San Antonio', 'TX', 'CT', 'West'],
  [1610612761, 'TOR', 'Toronto', 'Raptors', 'Scotiabank Arena', 'Toronto', 'ON', 'ET', 'East'],
  [1610612762, 'UTA', 'Utah', 'Jazz', 'Delta Center', 'Salt Lake City', 'UT', 'MT', 'West'],
  [1610612764, 'WAS', 'Washington', 'Wizards', 'Capital One Arena', 'Washington', 'DC', 'ET', 'East'],
];

export const TEAMS: readonly Team[] = ROWS.map(([id, abbr, city, name, arena, arenaCity, arenaState, tz, conference]) => ({
  id,
  abbr,
  city,
  name,
  fullName: abbr === 'LAC' ? 'Los Angeles Clippers' : `${city} ${name}`,
  arena,
  arenaCity,
  arenaState,
  tz,
  conference,
}));

const BY_ABBR = new Map(TEAMS.map((t) => [t.abbr, t]));

export function team(abbr: string): Team {
  const t = BY_ABBR.get(abbr);
  if (!t) throw new Error(`unknown team ${abbr}`);
  return t;
}
