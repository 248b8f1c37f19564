// The answer every refusal of the API must give: never a 5xx, and a 4xx (404 aside) naming
// the field it refuses. Shared by the property-based suites.
import { expect } from 'vitest';

export function expectFieldedAnswer(res: { statusCode: number; json: () => { field?: unknown; message?: unknown } }, what: string): void {
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = res.json();
    expect(typeof body.message, what).toBe('string');
    if (res.statusCode !== 404) expect(typeof body.field, `${what} → ${JSON.stringify(body)}`).toBe('string');
  }
}
