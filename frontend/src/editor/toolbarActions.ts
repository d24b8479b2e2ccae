// The toolbar's actions, listed once: the wide toolbar shows them as buttons and the Import /
// Export menus, a narrow window as one More menu (styles.css shows one or the other), so the two
// can never disagree on what exists or what it does.

export type ActionGroup = 'versions' | 'import' | 'export' | 'view';

export interface ToolAction {
  id: string;
  group: ActionGroup;
  /** Label in the wide toolbar (a button, or an item of the group's menu). */
  label: string;
  /** Label in the More menu, where the group's name is not shown around it. */
  moreLabel: string;
  /** data-testid in the wide toolbar; the More menu uses `more-<id>`. */
  testid?: string;
  title?: string;
  disabled?: boolean;
  run(): void;
}

export interface ActionContext {
  saved: boolean;
  selected: number;
  openDialog(d: 'versions' | 'code' | 'group'): void;
  pickJson(): void;
  pickKerasJson(): void;
  openKerasFile(): void;
  exportJson(): void;
  layout(): void;
  fit(): void;
}

export function toolbarActions(c: ActionContext): ToolAction[] {
  return [
    {
      id: 'versions',
      group: 'versions',
      label: 'Versions',
      moreLabel: 'Versions…',
      testid: 'versions-button',
      disabled: !c.saved,
      run: () => c.openDialog('versions'),
    },
    { id: 'import-json', group: 'import', label: 'Graph JSON…', moreLabel: 'Import graph JSON…', run: c.pickJson },
    {
      id: 'import-keras-json',
      group: 'import',
      label: 'Keras model JSON…',
      moreLabel: 'Import Keras model JSON…',
      run: c.pickKerasJson,
    },
    {
      id: 'import-keras-file',
      group: 'import',
      label: 'Keras model file (.keras)…',
      moreLabel: 'Import Keras model file (.keras)…',
      testid: 'import-keras-file',
      run: c.openKerasFile,
    },
    {
      id: 'export-json',
      group: 'export',
      label: 'Graph JSON',
      moreLabel: 'Export graph JSON',
      testid: 'export-json',
      run: c.exportJson,
    },
    {
      id: 'export-code',
      group: 'export',
      label: 'Code…',
      moreLabel: 'Export code…',
      testid: 'export-code',
      run: () => c.openDialog('code'),
    },
    {
      id: 'layout',
      group: 'view',
      label: 'Layout',
      moreLabel: 'Layout',
      testid: 'layout-button',
      title: 'Auto-layout (L)',
      run: c.layout,
    },
    {
      id: 'fit',
      group: 'view',
      label: 'Fit',
      moreLabel: 'Fit view',
      testid: 'fit-button',
      title: 'Fit view (F)',
      run: c.fit,
    },
    {
      id: 'group',
      group: 'view',
      label: 'Group',
      moreLabel: 'Group into composite…',
      testid: 'group-button',
      title: 'Group into composite (Ctrl+G)',
      disabled: c.selected === 0,
      run: () => c.openDialog('group'),
    },
  ];
}
