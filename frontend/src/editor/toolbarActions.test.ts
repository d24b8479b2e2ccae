import { describe, expect, it } from 'vitest';
import { toolbarActions } from './toolbarActions';

const calls: string[] = [];
const ctx = {
  saved: false,
  selected: 0,
  openDialog: (d: string) => calls.push(`dialog:${d}`),
  pickJson: () => calls.push('json'),
  pickKerasJson: () => calls.push('kerasJson'),
  openKerasFile: () => calls.push('kerasFile'),
  exportJson: () => calls.push('export'),
  layout: () => calls.push('layout'),
  fit: () => calls.push('fit'),
};

describe('toolbarActions', () => {
  it('lists each action once, with unique ids and a More label', () => {
    const list = toolbarActions(ctx);
    expect(new Set(list.map((a) => a.id)).size).toBe(list.length);
    for (const a of list) expect(a.moreLabel.length).toBeGreaterThan(0);
    expect(list.map((a) => a.id)).toContain('import-keras-file'); // the narrow menu has it too now
  });
  it('disables what cannot run yet and runs the given handlers', () => {
    const list = toolbarActions(ctx);
    const by = (id: string) => list.find((a) => a.id === id)!;
    expect(by('versions').disabled).toBe(true);
    expect(by('group').disabled).toBe(true);
    expect(toolbarActions({ ...ctx, saved: true, selected: 2 }).every((a) => !a.disabled)).toBe(true);
    for (const a of list) a.run();
    expect(calls).toEqual([
      'dialog:versions',
      'json',
      'kerasJson',
      'kerasFile',
      'export',
      'dialog:code',
      'layout',
      'fit',
      'dialog:group',
    ]);
  });
});
