// R3: the kinds of external document CREDIT receives as a basis for discipline (000 §二(二):
// 生效的司法判决书、裁定书和仲裁裁决书、外部门的行政处罚和行政裁决等行政行为决定文书，以及…其他文书).

export const DOCUMENT_KINDS = {
  judgment: '判决书',
  ruling: '裁定书',
  arbitral_award: '仲裁裁决书',
  external_penalty: '外部门行政处罚',
  administrative_ruling: '行政裁决',
  other: '其他文书',
} as const;

export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const DOCUMENT_KIND_IDS = Object.keys(DOCUMENT_KINDS) as DocumentKind[];
