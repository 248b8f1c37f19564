// The project's search attributes. Registered on the dev server by `npm start`, by the test
// environments, and by the temporal-setup service of docker-compose.yml. Never identity numbers.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const targetKindKey = defineSearchAttributeKey('DisciplineTargetKind', SearchAttributeType.KEYWORD);
export const openStepsKey = defineSearchAttributeKey('DisciplineOpenSteps', SearchAttributeType.INT);

/** For `temporal server start-dev --search-attribute NAME=TYPE`. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Int' | 'Bool' | 'Datetime'> = {
  DisciplineTargetKind: 'Keyword',
  DisciplineOpenSteps: 'Int',
};
