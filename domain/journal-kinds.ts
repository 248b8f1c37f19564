// The journal's vocabulary: every kind of line a target's story can hold, with the label the
// history and the dashboard show. One table; the sentences themselves are in api/history.ts.

export const JOURNAL_KINDS = {
  case_pushed: '案件推送',
  person_case_filed: '人员另案',
  reported_upward: '逐级上报',
  upward_forwarded: '上报转报',
  upward_confirmed: '上报确认',
  consultation_requested: '提请会商',
  consultation_answered: '会商意见',
  measures_not_applicable: '措施不适用',
  information_flagged: '提请核实',
  complaint_filed: '受理投诉',
  complaint_decided: '投诉决定',
  cause_changed: '事由变更',
  case_adjusted: '调整措施',
  case_imported: '批量导入（已办步骤）',
  case_received: '接收',
  pushed_to_implementers: '推送实施机构',
  acknowledged: '签收',
  measure_active: '措施实施',
  measure_active_publicity_started: '措施实施（开始公示）',
  measures_suspended: '措施暂停',
  measures_resumed: '措施恢复',
  measure_released: '措施解除',
  publicity_stopped: '停止公示',
  report_received: '月度反馈',
  overdue: '逾期',
  escalated: '催办',
  objection_filed: '提出异议',
  objection_decided: '异议决定',
  case_released: '解除措施',
  released_with_cause: '随企业案件解除',
  repair_filed: '申请信用修复',
  repair_decided: '信用修复决定',
  commitment_kept: '承诺已履行',
  commitment_broken: '承诺未履行',
  publicity_ordered: '公示指令',
  publicity_confirmed: '公示平台确认',
  letter_issued: '出具文书',
  letter_delivered: '文书送达',
  deadline_recomputed: '期限重算',
  loop_closed: '闭环完成',
  act_recorded: '记录失信行为',
  act_corrected: '失信行为已纠正',
  tier_listed: '列入分级名单',
  tier_ended: '移出分级名单',
} as const;

export type JournalKind = keyof typeof JOURNAL_KINDS;

export function journalLabel(kind: string): string {
  return (JOURNAL_KINDS as Record<string, string>)[kind] ?? kind;
}

/** R10, R11, R12: why a measure was released. */
export const RELEASE_REASONS = { period_end: '期限届满', objection: '异议成立', repair: '信用修复', adjustment: '事由变更', tier_ended: '名单等级变更' } as const;
export type ReleaseReason = keyof typeof RELEASE_REASONS;
export const RELEASE_RULE = { period_end: 'R10', objection: 'R11', repair: 'R12', adjustment: 'R11', tier_ended: 'R15' } as const;
