// The workflow bundle's entry point.
export { measureReviewWorkflow } from './measure-review';
export { scoringPolicyReviewWorkflow } from './scoring-policy-review';
export { targetWorkflow } from './target';
export { monthlyReportWorkflow } from './monthly-report';
