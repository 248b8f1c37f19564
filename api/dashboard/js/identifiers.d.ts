// The types of identifiers.js for the test that holds it to domain/identifiers.ts (not served).
export function creditCodeProblem(code: string): string | null;
export function idNumberProblem(id: string): string | null;
