import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlockSpec, GraphDoc } from '../src/types';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');

/** Block specs as GET /api/blocks returns them (snapshot of akid.blocks.block_specs()). */
export const specs: BlockSpec[] = JSON.parse(readFileSync(join(here, 'blocks.fixture.json'), 'utf8'));

export function goldenGraphs(): [string, GraphDoc][] {
  const dir = join(repoRoot, 'tests', 'fixtures', 'graphs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as GraphDoc]);
}
