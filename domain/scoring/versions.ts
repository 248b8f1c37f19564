// R15 Which version of a policy scores a target: versions are reviewed like list changes (R1),
// and a target keeps the one it was first scored under, as a case keeps the measure version it
// was matched against, unless a later version in force says it rescores every target. Pure.
import type { ScoringPolicy } from './policy';

export interface VersionInForce {
  version: number;
  document: Pick<ScoringPolicy, 'versioning'>;
}

/** The version that scores a target pinned to `pinnedVersion`, given the newest version in force (or null). */
export function scoringVersion(pinnedVersion: number, newest: VersionInForce | null): { version: number; rescored: boolean } {
  if (newest && newest.version > pinnedVersion && newest.document.versioning?.existingTargets === 'rescore') {
    return { version: newest.version, rescored: true };
  }
  return { version: pinnedVersion, rescored: false };
}
