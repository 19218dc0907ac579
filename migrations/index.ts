import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_apps';
import * as m0002 from './0002_identity';

/**
 * Every migration, in order. Listed by hand (not read from the file system) so the same list
 * works from the sources, the bundled server and the tests.
 */
export const migrations: Record<string, Migration> = {
  '0001_apps': m0001,
  '0002_identity': m0002,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
