// Every side effect of the workflows, from factories that receive their dependencies. Each
// activity is one transaction whose writes are idempotent (a retried activity never duplicates
// a row): the case's rows, its journal lines, its notices and its step changes together.
import { createComplaintActivities } from './complaints';
import { createEscalationActivities } from './escalation';
import { createImplementationActivities } from './implementation';
import { createImportedActivities } from './imported';
import { createIntakeActivities } from './intake';
import { createMeasureActivities } from './measures';
import { createLetterActivities } from './letters';
import { createObjectionActivities } from './objections';
import { createPersonActivities } from './persons';
import { createPublicityActivities } from './publicity';
import { createRepairActivities } from './repairs';
import { createReportActivities } from './reports';
import { createRequestActivities } from './requests';
import { createScoringActivities } from './scoring';
import { createScoringPolicyActivities } from './scoring-policies';
import type { ActivityDeps } from './support';

export type { ActivityDeps } from './support';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIntakeActivities(deps),
    ...createImplementationActivities(deps),
    ...createImportedActivities(deps),
    ...createRequestActivities(deps),
    ...createObjectionActivities(deps),
    ...createComplaintActivities(deps),
    ...createRepairActivities(deps),
    ...createReportActivities(deps),
    ...createPublicityActivities(deps),
    ...createLetterActivities(deps),
    ...createEscalationActivities(deps),
    ...createMeasureActivities(deps),
    ...createScoringPolicyActivities(deps),
    ...createScoringActivities(deps),
    ...createPersonActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
