// R13 persons through the HTTP API: the suite (test/support/timeskipping.ts) with the agencies
// the persons suites share, and the filing of an enterprise's case naming persons.
import { targetIdOf } from '../../api/identity';
import type { AppOptions } from './apps';
import { creditCodeOf, idNumberOf } from './identities';
import { httpTimeSkippingSuite } from './timeskipping';

export const KEY = 'persons';
export const ADVERSE = 'DM-R8-PUBLICITY-ADVERSE';
export const OFFICE_BAN = 'DM-R6-OFFICE-LEGALREP-3Y';
export const ZHANG = idNumberOf(101);
export const LI = idNumberOf(102);
export const person = (idNumber: string) => targetIdOf(KEY, 'person', idNumber);

export function personsSuite(app: Omit<AppOptions, 'targetIdKey' | 'now'> = {}) {
  const h = httpTimeSkippingSuite(KEY, {
    authority: [['AUTHORITY'], '登记注册处'],
    enforcement: [['ENFORCEMENT'], '执法稽查处'],
    supervisor: [['SUPERVISOR'], '市监督'],
    credit: [['CREDIT'], '信用监管处'],
    ningboCredit: [['CREDIT'], '宁波信用监管处', { region: '330200' }],
    approval: [['IMPLEMENTER'], '行政审批处'],
    gsxt: [['PUBLISHER'], '国家企业信用信息公示系统（浙江）', { publisherChannel: 'gsxt', region: '330000' }],
    creditchina: [['PUBLISHER'], '信用中国（浙江）', { publisherChannel: 'creditchina', region: '330000' }],
  }, app);
  function filing(n: number, persons: { role: string; idNumber: string; name: string }[]) {
    return {
      source: 'penalty_decision', authority: h.agencies.authority.id, penalty: { type: 'fine', amount: 200000, field: 'other' },
      document: { number: `杭市管罚〔2026〕P${n}号`, issuedOn: h.today(), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: creditCodeOf(1300 + n), name: `杭州人员测试${n}有限公司` },
      measures: [ADVERSE, OFFICE_BAN], periods: { [ADVERSE]: { years: 2 } }, persons,
    };
  }
  return { h, filing };
}
