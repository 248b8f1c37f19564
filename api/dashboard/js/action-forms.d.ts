// The types of action-forms.js for the test that holds its forms to the API's routes (not served).
export const ACTION_FORMS: Record<string, { path: string; params?: (step: object) => Record<string, string> }>;
