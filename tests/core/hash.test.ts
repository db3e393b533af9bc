// hash128: the fingerprint hash. Stable (fingerprints are stored: a change here would make every
// stored success look stale and rerun the world), and well spread (a one-version change of one
// input must give an unrelated fingerprint).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash128 } from '../../engine/core/hash.js';

/** Bits that differ between two 32-hex-digit hashes. */
function bitsApart(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < 32; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    for (; x; x &= x - 1) n++;
  }
  return n;
}

describe('hash128', () => {
  it('is 32 lower-case hex digits, the same on every call', () => {
    for (const s of ['', 'a', 'raw.box@2025-11-15=1', 'é✓💥', 'x'.repeat(10_000)]) {
      assert.match(hash128(s), /^[0-9a-f]{32}$/);
      assert.equal(hash128(s), hash128(s));
    }
  });

  it('is stable across releases: stored fingerprints must keep matching', () => {
    assert.equal(hash128(''), '9e1cde8ed8f0234c83b7c4c624c7ac4b');
    assert.equal(hash128('abc'), '4ac81fb2b17790648ab3e9334e32bd9e');
    assert.equal(hash128('raw.box@2025-11-15=1'), '7d1a6c690e134dae8bf353d8218b5726');
  });

  it('tells apart order, length and near-identical inputs', () => {
    const inputs = ['ab', 'ba', 'a', 'a\u0000', 'raw.box@2025-11-15=1', 'raw.box@2025-11-15=2', 'raw.box@2025-11-16=1', 'raw.bax@2025-11-15=1'];
    assert.equal(new Set(inputs.map(hash128)).size, inputs.length);
  });

  it('spreads: 100k fingerprint-like inputs give 100k distinct hashes, with balanced leading digits', () => {
    const seen = new Set<string>();
    const leading = new Array<number>(16).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const h = hash128(`spec|1|raw.box@2025-11-15=${i};raw.lines@2025-11-15=${i % 7}`);
      seen.add(h);
      leading[parseInt(h[0]!, 16)]!++;
    }
    assert.equal(seen.size, 100_000);
    for (const n of leading) assert.ok(n > 5_600 && n < 6_900, `leading digit counts ${leading.join(' ')}`);
  });

  it('avalanches: a one-character change flips about half of the 128 bits', () => {
    let total = 0;
    let fewest = 128;
    const N = 2_000;
    for (let i = 0; i < N; i++) {
      const d = bitsApart(hash128(`raw.box@2025-11-15=${i}`), hash128(`raw.box@2025-11-15=${i + 1}`));
      total += d;
      fewest = Math.min(fewest, d);
    }
    const mean = total / N;
    assert.ok(mean > 60 && mean < 68, `mean bits flipped ${mean}`);
    assert.ok(fewest >= 35, `fewest bits flipped ${fewest}`);
  });
});
