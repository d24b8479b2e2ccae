import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RstText, rstPlain } from './rstText';

const html = (text: string) => renderToStaticMarkup(createElement(RstText, { text }));

describe('RST docstrings', () => {
  it('renders ``literals`` as <code>', () => {
    expect(html('Split into ``groups`` (see ``filters``).')).toBe(
      'Split into <code>groups</code> (see <code>filters</code>).',
    );
    expect(html('no code')).toBe('no code');
  });
  it('drops the backticks in plain text', () => {
    expect(rstPlain('``a`` and ``b_c``')).toBe('a and b_c');
  });
});
