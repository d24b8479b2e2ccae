import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { generate } from '../scripts/gen-types.mjs';
import { filterEntries, groupEntries, paletteEntries } from '../src/editor/Palette';
import { actionFor } from '../src/editor/shortcuts';
import { formatCount, formatShape, formatValue } from '../src/graph/format';
import { portsFor } from '../src/graph/ports';
import { specs } from './helpers';

const key = (
  k: string,
  o: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean; altKey: boolean }> = {},
) => ({ key: k, ctrlKey: false, shiftKey: false, metaKey: false, altKey: false, ...o });

describe('shortcuts', () => {
  it('maps keys to actions', () => {
    expect(actionFor(key('z', { ctrlKey: true }))).toBe('undo');
    expect(actionFor(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(actionFor(key('y', { metaKey: true }))).toBe('redo');
    expect(actionFor(key('c', { ctrlKey: true }))).toBe('copy');
    expect(actionFor(key('v', { ctrlKey: true }))).toBe('paste');
    expect(actionFor(key('Delete'))).toBe('delete');
    expect(actionFor(key('?', { shiftKey: true }))).toBe('help');
    expect(actionFor(key('l'))).toBe('layout');
    expect(actionFor(key('q'))).toBeNull();
  });
});

describe('palette', () => {
  const entries = paletteEntries(specs, ['MyBlock']);
  it('groups by category with io first and composites last', () => {
    const groups = groupEntries(entries).map(([c]) => c);
    expect(groups[0]).toBe('io');
    expect(groups.at(-1)).toBe('composite');
  });
  it('search ranks exact and prefix matches first', () => {
    expect(
      filterEntries(entries, 'conv')
        .map((e) => e.type)
        .slice(0, 2),
    ).toEqual(['Conv1D', 'Conv2D']);
    expect(filterEntries(entries, 'dense')[0].type).toBe('Dense');
    expect(filterEntries(entries, 'pooling').map((e) => e.type)).toEqual(
      expect.arrayContaining(['MaxPool2D', 'AvgPool2D']),
    );
    expect(filterEntries(entries, 'nothing-like-this')).toEqual([]);
  });
});

describe('ports and formatting', () => {
  it('Split has dynamic outputs; composites take ports from inner Input/Output ids', () => {
    const split = specs.find((s) => s.type === 'Split')!;
    expect(portsFor('Split', { num: 3 }, split).outputs.map((p) => p.name)).toEqual(['out0', 'out1', 'out2']);
    const blocks = {
      U: {
        nodes: [
          { id: 'a', type: 'Input' },
          { id: 'b', type: 'Input' },
          { id: 'y', type: 'Output' },
        ],
      },
    };
    expect(portsFor('U', {}, undefined, blocks)).toEqual({
      inputs: [
        { name: 'a', multi: false },
        { name: 'b', multi: false },
      ],
      outputs: [{ name: 'y', multi: false }],
    });
    const add = specs.find((s) => s.type === 'Add')!;
    expect(portsFor('Add', {}, add).inputs[0].multi).toBe(true);
  });
  it('formats shapes and counts', () => {
    expect(formatShape([8, null, 3])).toBe('(8, ?, 3)');
    expect(formatValue([null, 8])).toBe('[?, 8]'); // an Input shape of unknown length on the node face
    expect(formatCount(1234)).toBe('1234');
    expect(formatCount(123456)).toBe('123.5k');
    expect(formatCount(2_500_000)).toBe('2.50M');
  });
});

describe('generated graph types', () => {
  it('src/generated/graph.ts is up to date with schema/graph.schema.json (npm run gen:types)', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const current = readFileSync(join(here, '..', 'src', 'generated', 'graph.ts'), 'utf8');
    expect(await generate()).toBe(current);
  });
});
