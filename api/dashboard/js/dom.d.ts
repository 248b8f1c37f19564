// The types of dom.js for the test that holds its totals to the API's (not served).
export function totalText(page: { total: number; totalExact?: boolean }): string;
