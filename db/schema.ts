// PostgreSQL schema, one file per area in db/tables/. camelCase keys in code, snake_case
// columns in the database. Every table an activity writes has a natural unique key so that a
// retried activity never duplicates a row.
export * from './tables/agencies';
export * from './tables/calendar';
export * from './tables/journal';
export * from './tables/measures';
export * from './tables/targets';
export * from './tables/steps';
export * from './tables/reports';
export * from './tables/publicity';
export * from './tables/audit';
export * from './tables/scoring';
export * from './tables/imports';
