// R8 Publicity (公示) and R17 telling the party: the channels a record is published on, the
// facts of a penalty that decide how long it is published (004), and the rules an ADMIN may
// change, each with its seed. Pure: one registry per vocabulary, read by intake, the workflow,
// the letters and the public query.
import { addDays } from './dates';
import { periodEnd } from './periods';

/** The platforms a record is published on (谁产生、谁负责; 000 §二(四)3, 003 (四)(十五)). */
export const CHANNELS = {
  gsxt: '国家企业信用信息公示系统',
  creditchina: '信用中国',
} as const;
export type Channel = keyof typeof CHANNELS;
export const CHANNEL_IDS = Object.keys(CHANNELS) as Channel[];

/** R17: the letters to the party, by kind. */
export const LETTER_TITLES = {
  determination: '失信联合惩戒告知书',
  objection_answer: '异议申请处理决定书',
  complaint_answer: '投诉处理决定书',
  repair_answer: '信用修复申请处理决定书',
} as const;

/** R17: how a letter reached the party. */
export const DELIVERY_WAYS = { direct: '直接送达', post: '邮寄送达', electronic: '电子送达' } as const;

/** What an order asks a platform to do (R8), as the notices and the history say it. */
export const ORDER_LABELS = { publish: '公示', mark: '作存在异议的标注', unmark: '撤销异议标注', withdraw: '撤下公示' } as const;

/** The kinds of administrative penalty (行政处罚法 第九条) a case records. */
export const PENALTY_TYPES = {
  warning: '警告',
  circulated_criticism: '通报批评',
  fine: '罚款',
  confiscation: '没收违法所得、没收非法财物',
  license_suspension: '暂扣许可证件、降低资质等级',
  license_revocation: '吊销许可证件',
  business_restriction: '限制开展生产经营活动、责令停产停业、责令关闭、限制从业',
  detention: '行政拘留',
  other: '其他',
} as const;
export type PenaltyType = keyof typeof PENALTY_TYPES;
export const PENALTY_TYPE_IDS = Object.keys(PENALTY_TYPES) as PenaltyType[];

/** The field of the penalty: 004 treats food, drugs and special equipment apart. */
export const PENALTY_FIELDS = { food: '食品', drugs: '药品', special_equipment: '特种设备', other: '其他领域' } as const;
export type PenaltyField = keyof typeof PENALTY_FIELDS;
export const PENALTY_FIELD_IDS = Object.keys(PENALTY_FIELDS) as PenaltyField[];

/** What the penalty decision says: its kind, the fine in yuan (罚款 only) and the field. */
export interface PenaltyFacts {
  type: PenaltyType;
  amount: number | null;
  field: PenaltyField;
}

/**
 * 004 §二(三)8, as configuration an ADMIN changes (GET/PUT /publicity/rules):
 * 对仅受到警告的行政处罚信息不予公示，对受到通报批评或者较低数额罚款的行政处罚信息满三个月不再公示，
 * 对除食品、药品、特种设备领域的其他行政处罚信息公示满六个月且符合规定条件的，可以申请信用修复.
 */
export interface PublicityRules {
  /** 较低数额罚款: a fine below this many yuan counts as small. The seed gives no number: null until an ADMIN sets the local one. */
  smallFineBelow: number | null;
  /** The months a circulated criticism or a small fine stays published (004: 三个月). */
  minorPublicityMonths: number;
  /** The months of publicity after which the party may apply for repair (004: 六个月). */
  repairAfterMonths: number;
  /** The fields 004 leaves out of that early repair (食品、药品、特种设备). */
  noEarlyRepairFields: PenaltyField[];
}

export const DEFAULT_PUBLICITY_RULES: PublicityRules = {
  smallFineBelow: null, minorPublicityMonths: 3, repairAfterMonths: 6, noEarlyRepairFields: ['food', 'drugs', 'special_equipment'],
};

/** Where each rule comes from, shown beside it. */
export const PUBLICITY_RULE_SOURCES: Record<keyof PublicityRules, string> = {
  smallFineBelow: '004 §二(三)8 「较低数额罚款」(数额由本地规定)',
  minorPublicityMonths: '004 §二(三)8 「受到通报批评或者较低数额罚款的行政处罚信息满三个月不再公示」',
  repairAfterMonths: '004 §二(三)8 「其他行政处罚信息公示满六个月且符合规定条件的，可以申请信用修复」',
  noEarlyRepairFields: '004 §二(三)8 「除食品、药品、特种设备领域」',
};

/** Why rules an ADMIN sends cannot be used (the field and why), or null; the shape is the route's schema. */
export function publicityRulesProblem(r: PublicityRules): { field: string; reason: string } | null {
  const i = r.noEarlyRepairFields.findIndex((f) => !(PENALTY_FIELD_IDS as string[]).includes(f));
  if (i >= 0) return { field: `noEarlyRepairFields.${i}`, reason: `is not a field; these are: ${PENALTY_FIELD_IDS.join(', ')}` };
  return null;
}

/** The terms a case is published under, fixed at intake from the rules in force then. */
export interface PublicityTerms {
  /** 通报批评 or a small fine: published for `months` only. */
  minorMonths: number | null;
  /** The months of publicity before a repair may be applied for; null: no early repair in this field. */
  repairAfterMonths: number | null;
}

export const isMinorPenalty = (p: PenaltyFacts, rules: PublicityRules): boolean =>
  p.type === 'circulated_criticism' || (p.type === 'fine' && rules.smallFineBelow !== null && p.amount !== null && p.amount < rules.smallFineBelow);

export function publicityTerms(p: PenaltyFacts, rules: PublicityRules): PublicityTerms {
  return {
    minorMonths: isMinorPenalty(p, rules) ? rules.minorPublicityMonths : null,
    repairAfterMonths: rules.noEarlyRepairFields.includes(p.field) ? null : rules.repairAfterMonths,
  };
}

/** 004: a warning is not published; the reason intake refuses a publicity measure for it, or null. */
export function warningRefusal(p: PenaltyFacts | null): string | null {
  return p?.type === 'warning' ? 'a penalty of 警告 only is not published (004 §二(三)8 对仅受到警告的行政处罚信息不予公示)' : null;
}

/** 002 篇十三 第十六条: 自公布之日起满五年自动撤销: the last day a record stays published. */
export const autoWithdrawalDay = (publishedOn: string): string => periodEnd(publishedOn, { years: 5 });

/** 004: the first day a repair may be applied for, `months` after publication began. */
export const repairOpensOn = (publishedOn: string, months: number): string => addDays(periodEnd(publishedOn, { months }), 1);
