import { gamesOn } from '../processors/sample-source/index.js';
import { addDays } from '../engine/core/dates.js';
let d = '2025-10-25';
const out: string[] = [];
for (let i = 0; i < 60; i++, d = addDays(d, 1)) out.push(`${d}:${gamesOn(42, d).length}`);
console.log(out.join(' '));
