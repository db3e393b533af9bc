import { defineProcessor } from '../../../engine/runtime/processor.js';
import type {} from '../../../engine/generated/index.js';
export default defineProcessor('player_game_summary', {
  async run(ctx) {
    const rows = await ctx.read('nba_raw.nope_table');
    ctx.write([{ game_id: 'x', player_lookup: 'y', bogus: 1 }]);
    void rows;
  },
});
