// Name pools for fake players. A few entries carry apostrophes, hyphens and accents
// on purpose: consumers must normalise them into the letters-only player_lookup.

export const FIRST_NAMES: readonly string[] = [
  'Aaron', 'Adrian', 'Alec', 'Alonzo', 'Amari', 'Andre', 'Anfernee', 'Anthony', 'Ausar', 'Bam',
  'Ben', 'Bennedict', 'Bogdan', 'Brandon', 'Brook', 'Bruce', 'Cade', 'Caleb', 'Cam', 'Cason',
  'Chris', 'Christian', 'Cody', 'Cole', 'Collin', 'Corey', 'Dalen', "D'Angelo", 'Damian', 'Daniel',
  'Darius', 'Davion', "De'Aaron", 'Dejounte', 'Dennis', 'Derrick', 'Desmond', 'Devin', 'Donovan', 'Dorian',
  'Dyson', 'Eric', 'Evan', 'Franz', 'Gary', 'Gradey', 'Grant', 'Harrison', 'Immanuel', 'Isaiah',
  'Jabari', 'Jaden', 'Jalen', 'Jamal', 'Jaren', 'Jarrett', 'Jaylen', 'Jerami', 'Jordan', 'Josh',
  'Jrue', 'Julius', 'Karl', 'Keegan', 'Keldon', 'Kelly', 'Kevin', 'Keyonte', 'Kris', 'Kyle',
  'Lamelo', 'Lauri', 'Luka', 'Malik', 'Marcus', 'Mark', 'Max', 'Mikal', 'Miles', 'Moses',
  'Naz', 'Nic', 'Nikola', 'Norman', 'Obi', 'Onyeka', 'Paolo', 'Pascal', 'Payton', 'Quentin',
  'RJ', 'Reed', 'Rui', 'Scoot', 'Scottie', 'Shai', 'Stephon', 'Tari', 'Terry', 'Trey',
  'Tyrese', 'Tyus', 'Walker', 'Wendell', 'Zach', 'Ziaire', 'Herbert', 'Isaac', 'Jusuf', 'Killian',
];

export const LAST_NAMES: readonly string[] = [
  'Adebayo', 'Allen', 'Anderson', 'Ayton', 'Bagley', 'Ball', 'Banchero', 'Barnes', 'Beasley', 'Bey',
  'Bogdanović', 'Bridges', 'Brooks', 'Brown', 'Brunson', 'Caldwell-Pope', 'Carter', 'Clarke', 'Collins', 'Cunningham',
  'Daniels', 'Davis', 'DeRozan', 'Dosunmu', 'Duren', 'Edwards', 'Eason', 'Fox', 'Garland', 'Gordon',
  'Grant', 'Green', 'Haliburton', 'Harris', 'Hart', 'Hayes', 'Holiday', 'Hunter', 'Ivey', 'Jackson',
  'Johnson', 'Jones', 'Jokić', 'Kessler', 'Kuminga', 'LaVine', 'Lillard', 'Lowry', 'Markkanen', 'Mathurin',
  'McCollum', 'McDaniels', 'Mitchell', 'Mobley', 'Monk', 'Morant', 'Murray', 'Nembhard', "O'Neale", 'Okongwu',
  'Oubre', 'Payton', 'Porter', 'Poole', 'Powell', 'Quickley', 'Randle', 'Reaves', 'Reid', 'Robinson',
  'Rozier', 'Russell', 'Sabonis', 'Sexton', 'Sharpe', 'Siakam', 'Simons', 'Smart', 'Smith', 'Strus',
  'Suggs', 'Tatum', 'Thompson', 'Toppin', 'Turner', 'VanVleet', 'Vučević', 'Wagner', 'Walker', 'Washington',
  'Watson', 'White', 'Wiggins', 'Williams', 'Williamson', 'Young', 'Zubac', 'Šarić', 'Okoro', 'Nance',
  'Mann', 'Kispert', 'Jaquez', 'Hield', 'Gafford', 'Exum', 'Dunn', 'Claxton', 'Bitadze', 'Achiuwa',
];

/** Letters-only lowercase key ("De'Aaron Fox" -> "deaaronfox", "Nikola Jokić" -> "nikolajokic"). */
export function toLookup(fullName: string): string {
  return fullName
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
