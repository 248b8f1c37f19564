// The field labels of the forms, in one small table: by the full path first (a form's field
// may mean something of its own), then by the property's name. Labels of values (roles, steps,
// measure categories, outcomes …) come from GET /vocabulary, not from here.
const BY_PATH = {
  'document.number': '文书号',
  'document.issuedOn': '作出日期',
  'document.issuer': '作出机关',
  'document.kind': '文书种类（R3）',
  'target.kind': '对象类型',
  'target.name': '名称或姓名',
  'target.creditCode': '统一社会信用代码',
  'target.idNumber': '公民身份号码',
  'persons.*.role': '身份',
  'persons.*.idNumber': '公民身份号码',
  'persons.*.name': '姓名',
  'commitment.materials': '尚缺的次要材料',
  'commitment.dueOn': '承诺补交日期',
  'measure.nameZh': '措施名称（中文）',
  'measure.nameEn': '措施名称（英文）',
  'measure.legalBasis': '法律依据',
  'measure.legalBasis.document': '依据文件',
  'measure.legalBasis.article': '条款',
  'counts': '各类措施实施次数',
};

const BY_NAME = {
  source: '案件来源', document: '处罚决定或外部文书', target: '惩戒对象', persons: '相关人员（R13）', measures: '惩戒措施', periods: '期限',
  authority: '接收的业务主管机构', receivedOn: '收到外部文书日期', consultation: '提请会商（期限延长为 15 个工作日）',
  consultWith: '会商机构', legalReview: '法制审核机构', seriousness: '严重程度', repeated: '重复失信（R12）',
  reason: '理由', note: '说明', outcome: '结论', agree: '同意', change: '变更情况', confirmedOn: '确认日期',
  release: '解除全部措施', drop: '不再实施的措施', shorten: '缩短期限', code: '措施代码', periodEnd: '新的届满日期',
  commitment: '容缺受理承诺', month: '反馈月份', summary: '实施情况', enhancedSupervision: '强化监管措施开展情况', typicalCases: '典型案例',
  implementers: '实施机构', agencyId: '机构', name: '名称', level: '层级', parentId: '上级业务主管机构', field: '领域', roles: '角色',
  implementerKind: '实施机构类别', notifyUrl: '通知地址（https）', notifySecret: '签名密钥（留空则签发）', kind: '类型',
  effectiveFrom: '生效日期', measure: '措施内容', approve: '同意', role: '以何种角色审核', list: '清单', category: '类别',
  targetKinds: '适用对象', period: '期限', legalMinimum: '法定最短期限', mandatory: '强制性', feedbackSet: '纳入月度反馈',
  outsideLocalAuthority: '由上级或其他部门实施（R4）', intervalWorkingDays: '催办间隔（工作日）', workingDays: '期限（工作日）',
  dueDay: '次月第几日', nonWorkingDay: '遇非工作日', by: '经办人', region: '辖区（行政区划代码）', nationalScope: '全国范围查阅',
};

/** The label of a field: its path's own, its name's, or the schema's description, never a bare key when one is known. */
export function fieldLabel(path, schema = {}) {
  const name = path.split('.').pop();
  return BY_PATH[path] ?? BY_NAME[name] ?? schema.description ?? name;
}
