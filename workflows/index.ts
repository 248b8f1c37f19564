// The workflow bundle's entry point.
export { targetWorkflow } from './target';
