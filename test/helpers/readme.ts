import { readFileSync } from 'node:fs';

/** The first ```ts block after a README heading. */
export function codeBlockAfter(heading: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading} in README.md`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match) throw new Error(`no ts code block after ${heading}`);
  return match[1];
}
