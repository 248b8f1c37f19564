// R15 test helpers: the shipped policies, loaded the way the product will load them, and acts.
import { loadScoringPolicy } from '../../db/scoring-policies';
import type { Act, ScoringPolicy } from '../../domain/scoring';

export const policyUrl = (file: string) => new URL(`../../policies/${file}`, import.meta.url);
export const fixtureUrl = (file: string) => new URL(`../fixtures/scoring/${file}`, import.meta.url);

export const nanning = (): ScoringPolicy => loadScoringPolicy(policyUrl('nanning-urban-credit.json'));
export const urbanManagement = (): ScoringPolicy => loadScoringPolicy(policyUrl('urban-management-credit.json'));

/** One act; its item and source document default to its own, so no two acts repeat by accident. */
export function act(id: string, cls: string, date: string, more: Partial<Act> = {}): Act {
  return { id, class: cls, item: `item-${id}`, date, sourceDocument: `doc-${id}`, ...more };
}

/** Acts of the given classes, all on one day, ids prefixed. */
export function sameDay(prefix: string, date: string, classes: string[]): Act[] {
  return classes.map((cls, i) => act(`${prefix}${i + 1}`, cls, date));
}

export const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);
