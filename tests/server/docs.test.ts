import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../server/config';
import { ROOT } from '../helpers/process';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('docs match the code', () => {
  it.each(CONFIG_VARIABLES)('%s is documented in .env.example, the README and docs/configuration.md', (name) => {
    expect(read('.env.example')).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
    expect(read('README.md')).toContain(`\`${name}\``);
    expect(read('docs/configuration.md')).toContain(`\`${name}\``);
  });

  it('the README Quickstart is exactly two commands', () => {
    const quickstart = read('README.md').split('## Quickstart')[1]!.split('\n## ')[0]!;
    const block = quickstart.match(/```sh\n([\s\S]*?)```/)![1]!.trim().split('\n');
    expect(block).toEqual(['npm install && npm start', 'npm test']);
  });

  it('every CLI command in the usage text is in docs/cli.md', async () => {
    const cli = read('docs/cli.md');
    for (const command of ['start', 'migrate', 'keygen', 'apps create', 'apps list', 'apps show', 'apps add-origin', 'apps remove-origin', 'apps add-redirect-uri', 'apps remove-redirect-uri', 'apps rotate-secret']) {
      expect(cli).toContain(command);
    }
  });
});
