// docs/spec-reference.md is rendered from the spec's JSON Schema: every key, its type, its default and
// its description are there, so the reference cannot fall behind what the loader accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { specReference } from '../../codegen/spec-reference.js';
import { PIPELINE_SCHEMA } from '../../engine/spec/schema.js';

const doc = specReference();
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Every description string in a schema tree. */
function descriptions(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => descriptions(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'description' && typeof x === 'string') out.push(x.replace(/ A duration: a number and a unit \([^)]*\), e\.g\. [^.]*\./, ''));
      else descriptions(x, out);
    }
  }
  return out;
}

describe('the spec reference', () => {
  it('has a section for every top-level key', () => {
    for (const k of Object.keys(PIPELINE_SCHEMA.properties as object)) assert.match(doc, new RegExp(`^## ${k}$`, 'm'), k);
  });

  it('carries every description of the schema', () => {
    const text = flat(doc).replace(/\\\|/g, '|');
    const missing = descriptions(PIPELINE_SCHEMA.properties).filter((d) => !text.includes(flat(d)));
    assert.deepEqual(missing, []);
  });

  it('names nested keys by path, with their type and default', () => {
    assert.match(doc, /^\| `processors\.<processor>\.timeout` \| duration \| `"10m"` \| /m);
    assert.match(doc, /^\| `processors\.<processor>\.reads\.<asset>\.critical` \| boolean \| `true` \| /m);
    assert.match(doc, /^\| `datasets\.<dataset>\.tables\.<table>\.mode` \| `replace` \\\| `upsert` \| `"replace"` \| /m);
    assert.match(doc, /^\| `schedules\.<schedule>\.cron` \| string \| {2}\| \*\*Required\.\*\* /m);
  });
});
