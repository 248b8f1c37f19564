// The app's role (db/roles.ts) on a database of a suite's own: the password global-setup gave
// the role for this run, on the server and database of `ownerUrl`.
import { inject } from 'vitest';
import { appUrlOf } from '../../db/roles';

export const appPasswordOfRun = (): string => decodeURIComponent(new URL(inject('appDatabaseUrl')).password);

export const appUrlFor = (ownerUrl: string): string => appUrlOf(ownerUrl, appPasswordOfRun());
