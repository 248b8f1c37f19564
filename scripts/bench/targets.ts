// What the bench pushes: distinct enterprises with valid unified social credit codes
// (GB 32100-2015, checked by the API like any real one) and distinct decision documents.
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { creditCodeProblem } from '../../domain/identifiers';

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * The n-th code: 9 (market supervision registers it) 1 (an enterprise) 330100 (Hangzhou), a
 * nine-digit organisation code from `n`, and the check character the standard computes.
 */
export function creditCode(n: number): string {
  const body = `91330100${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_CHARSET.indexOf(body[i]) * USCC_WEIGHTS[i];
  const code = body + USCC_CHARSET[(31 - (sum % 31)) % 31];
  // The API's own validator must accept it, or the bench would measure 400s.
  const problem = creditCodeProblem(code);
  if (problem) throw new Error(`generated credit code ${code}: ${problem}`);
  return code;
}

/** The measure every bench case carries: an R6 market and industry ban, in the R9 feedback set. */
export const BENCH_MEASURE = 'DM-R6-MARKET-INDUSTRY-BAN';

export interface IntakeBody {
  source: 'penalty_decision';
  consultation: boolean;
  authority: string;
  document: { number: string; issuedOn: string; issuer: string };
  target: { kind: 'enterprise'; creditCode: string; name: string };
  measures: string[];
  periods: Record<string, { years: number }>;
}

/** Numbers every target and document of one bench run; distinct across the run's scenarios. */
export class TargetFactory {
  private next = 1;
  constructor(private readonly authorityId: string, private readonly now: () => Date = () => new Date()) {}

  /**
   * A penalty decision against a new enterprise. `daysAgo` dates the decision back: 0 is today
   * (pushed on time); a month back the R2 push limit of 3 working days has long passed (late).
   */
  penaltyDecision(daysAgo = 0): IntakeBody {
    const n = this.next++;
    const issuedOn = addDays(shanghaiDateOf(this.now()), -daysAgo);
    return {
      source: 'penalty_decision',
      consultation: false,
      authority: this.authorityId,
      document: { number: `杭市管罚〔${issuedOn.slice(0, 4)}〕基准${n}号`, issuedOn, issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: creditCode(n), name: `杭州基准测试${n}号贸易有限公司` },
      measures: [BENCH_MEASURE],
      periods: { [BENCH_MEASURE]: { years: 1 } },
    };
  }
}
