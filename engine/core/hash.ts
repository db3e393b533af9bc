// A pure, fast, non-cryptographic 128-bit hash (four 32-bit lanes) for fingerprints and ids.
// The core may not import node:crypto; collisions at 128 bits are not a practical concern for
// telling input versions apart.

export function hash128(text: string): string {
  let h1 = 0x9e3779b1 ^ text.length;
  let h2 = 0x85ebca77;
  let h3 = 0xc2b2ae3d;
  let h4 = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x85ebca6b);
    h2 = Math.imul(h2 ^ c, 0xc2b2ae35);
    h3 = Math.imul(h3 ^ c, 0x27d4eb2f);
    h4 = Math.imul(h4 ^ c, 0x165667b1);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 = (h2 << 15) | (h2 >>> 17);
    h3 = (h3 << 11) | (h3 >>> 21);
    h4 = (h4 << 17) | (h4 >>> 15);
  }
  h1 = mix(h1 ^ h3);
  h2 = mix(h2 ^ h4);
  h3 = mix(h3 ^ h1);
  h4 = mix(h4 ^ h2);
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
