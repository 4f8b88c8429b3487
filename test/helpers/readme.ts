import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** The README and the guides in docs/guides/, whose code blocks the tests run. */
export function documentationFiles(): { name: string; text: string }[] {
  const guides = readdirSync(new URL('docs/guides/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/guides/${name}`);
  return ['README.md', ...guides].map((name) => ({ name, text: readFileSync(new URL(name, root), 'utf8') }));
}

/**
 * The first ```ts block after a heading (given with its #s as the README once had it, e.g.
 * '## Gradient estimators'), looked up by its title in the README and the guides, at any level.
 */
export function codeBlockAfter(heading: string): string {
  const title = heading.replace(/^#+\s*/, '');
  const escaped = title.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&');
  const pattern = new RegExp(`^#{1,4} ${escaped}$`, 'm');
  for (const { text } of documentationFiles()) {
    const found = pattern.exec(text);
    if (!found) continue;
    const match = /```ts\n([\s\S]*?)```/.exec(text.slice(found.index));
    if (!match) throw new Error(`no ts code block after ${heading}`);
    return match[1];
  }
  throw new Error(`no heading ${title} in README.md or docs/guides/`);
}
