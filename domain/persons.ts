// R13 The persons listed with an enterprise's case, by their role in it (003 (十二): 法定代表人、
// 主要负责人、实际控制人…; 002 篇三 (七): 董事、监事、高级管理人员、股东). One registry: intake's
// schema, the table's column and the labels the dashboard shows all read it.
export const PERSON_ROLE_LABELS = {
  legal_representative: '法定代表人',
  principal: '主要负责人',
  responsible_person: '直接责任人员',
  actual_controller: '实际控制人',
  director: '董事',
  supervisor: '监事',
  senior_manager: '高级管理人员',
  shareholder: '股东',
} as const;
export type PersonRole = keyof typeof PERSON_ROLE_LABELS;
export const PERSON_ROLES = Object.keys(PERSON_ROLE_LABELS) as [PersonRole, ...PersonRole[]];
