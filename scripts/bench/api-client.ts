// The API as agencies use it: HTTP with a bearer key. A non-2xx answer throws with its status
// and body, so the runner counts it as a failure and the report can say which errors occurred.
import type { IntakeBody } from './targets';

export class HttpError extends Error {
  constructor(readonly status: number, body: string, method: string, path: string) {
    super(`${method} ${path.replace(/[EP][0-9a-f]{24}|C[0-9a-f]{8,}/g, ':id').replace(/\?.*/, '?…')} → ${status} ${body.slice(0, 160)}`);
  }
}

export interface IntakeResult {
  caseId: string;
  targetId: string;
  workflowId: string;
  pushDueOn: string;
  late: boolean;
}

/** Long enough for a queue under load, short enough that a stuck request fails the figure. */
const REQUEST_TIMEOUT_MS = 60_000;

export class ApiClient {
  constructor(private readonly base: string, private readonly keys: Record<string, string>) {}

  async request<T>(method: 'GET' | 'POST', path: string, role: string, body?: object): Promise<T> {
    const key = this.keys[role];
    if (!key) throw new Error(`no demo agency with role ${role}`);
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, text, method, path);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** R2: ENFORCEMENT pushes a penalty decision. */
  intake(body: IntakeBody): Promise<IntakeResult> {
    return this.request('POST', '/cases', 'ENFORCEMENT', body);
  }

  /** R5: the addressed AUTHORITY receives the case. */
  receive(caseId: string): Promise<unknown> {
    return this.request('POST', `/cases/${caseId}/receipt`, 'AUTHORITY');
  }

  /** R5: the AUTHORITY pushes the case to one implementer with the given measures. */
  pushToImplementer(caseId: string, implementerId: string, measures: string[]): Promise<unknown> {
    return this.request('POST', `/cases/${caseId}/implementers`, 'AUTHORITY', { implementers: [{ agencyId: implementerId, measures }] });
  }

  /** R5/R6: the implementer acknowledges; its measures are in force from today. */
  acknowledge(caseId: string): Promise<unknown> {
    return this.request('POST', `/cases/${caseId}/acknowledgement`, 'IMPLEMENTER');
  }

  /** R11: the agency that filed the case records the target's objection; the case's measures are suspended. */
  async object(caseId: string): Promise<{ objectionId: string }> {
    const answer = await this.request<{ detail: { objectionId: string } }>('POST', `/cases/${caseId}/objections`, 'ENFORCEMENT', { reason: '当事人对处罚决定提出异议' });
    return { objectionId: answer.detail.objectionId };
  }

  /** R11: the objection is rejected; the measures resume. */
  rejectObjection(caseId: string, objectionId: string): Promise<unknown> {
    return this.request('POST', `/cases/${caseId}/objections/${objectionId}/decision`, 'ENFORCEMENT', { outcome: 'rejected', reason: '异议不成立' });
  }

  /** R12: the agency that filed the case records a credit-repair application. */
  async applyForRepair(caseId: string): Promise<{ repairId: string }> {
    const answer = await this.request<{ detail: { repairId: string } }>('POST', `/cases/${caseId}/repairs`, 'ENFORCEMENT', {});
    return { repairId: answer.detail.repairId };
  }

  /** R12: the repair is approved; the measures are released and, nothing owed, the loop closes. */
  approveRepair(caseId: string, repairId: string): Promise<unknown> {
    return this.request('POST', `/cases/${caseId}/repairs/${repairId}/decision`, 'ENFORCEMENT', { outcome: 'approved', reason: '已完成信用修复' });
  }

  /** R9: the implementer's monthly report on a target. */
  report(targetId: string, month: string): Promise<unknown> {
    return this.request('POST', '/feedback', 'IMPLEMENTER', { targetId, month, summary: '本月已在审批中落实市场和行业禁入' });
  }
}
