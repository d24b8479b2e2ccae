// Block docstrings are Python RST: ``name`` marks code. The inspector shows those spans as <code>;
// tooltips (plain text) show them without the backticks.
import type { ReactNode } from 'react';

const LITERAL = /``([^`]+?)``/g;

/** RST text with ``literals`` as <code> elements. */
export function RstText({ text }: { text: string }): ReactNode {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(LITERAL)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(<code key={m.index}>{m[1]}</code>);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** RST text for a plain-text tooltip: ``literals`` lose their backticks. */
export function rstPlain(text: string): string {
  return text.replace(LITERAL, '$1');
}
