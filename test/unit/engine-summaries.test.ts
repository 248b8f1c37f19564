import { describe, expect, it } from 'vitest';
import { maskCreditCode, targetSummary, timerSummary } from '../../domain/engine-summaries';

describe('what the Temporal UI shows of a target (issue 16)', () => {
  it('an enterprise by its name and masked credit code', () => {
    expect(maskCreditCode('91330106MA2H3X0A1H')).toBe('91330106********1H');
    expect(targetSummary({ kind: 'enterprise', name: '杭州某某贸易有限公司', creditCode: '91330106MA2H3X0A1H' })).toBe('杭州某某贸易有限公司 91330106********1H');
  });

  it('R13: a person with the name reduced to its first character and the identity number masked', () => {
    const s = targetSummary({ kind: 'person', name: '张三丰', idNumber: '330106199001011234' });
    expect(s).toBe('个人 张* 330106********1234');
    expect(s).not.toContain('三丰');
  });

  it('R5: a timer names the rule, the step and the case it waits for', () => {
    expect(timerSummary({ kind: 'receipt', rule: 'R5', caseId: 'C1', reminders: 0 }, false)).toBe('R5 接收 期限 · C1');
  });

  it('R14: a reminder timer says which reminder it is', () => {
    expect(timerSummary({ kind: 'receipt', rule: 'R5', caseId: 'C1', reminders: 1 }, true)).toBe('R5 接收 逾期催办 第2次 (R14) · C1');
  });

  it('R9: a monthly report timer names its month', () => {
    expect(timerSummary({ kind: 'feedback', rule: 'R9', caseId: null, month: '2026-10', reminders: 0 }, false)).toBe('R9 2026-10 月度反馈 期限');
  });
});
