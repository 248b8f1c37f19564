// The project's search attributes. Registered on the dev server by `npm start`, by the test
// environments, and by the temporal-setup service of docker-compose.yml. Never identity numbers.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const targetKindKey = defineSearchAttributeKey('DisciplineTargetKind', SearchAttributeType.KEYWORD);
export const openStepsKey = defineSearchAttributeKey('DisciplineOpenSteps', SearchAttributeType.INT);
/** R16: the unloaded years some pending deadline of the target was counted in (provisional). */
export const provisionalYearsKey = defineSearchAttributeKey('DisciplineProvisionalYears', SearchAttributeType.KEYWORD_LIST);

export const SEARCH_ATTRIBUTE_KEYS = [targetKindKey, openStepsKey, provisionalYearsKey];

const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** Name → type as the Temporal CLI spells it (`--search-attribute NAME=TYPE`). */
export const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, CLI_TYPE[k.type]!]),
);
