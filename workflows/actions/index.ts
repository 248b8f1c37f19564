// Every agency action's handler, one per entry of the action registry (domain/actions.ts).
import type { ActionArgs } from '../messages';
import { implementationHandlers } from './implementation';
import { objectionHandlers } from './objections';
import { publicityHandlers } from './publicity';
import { repairHandlers } from './repairs';
import type { Handlers } from './support';

export { fileCase } from './intake';
export { monthlyReportFiled } from './implementation';
export { publicize } from './publicity';
export { releaseWithCause } from './persons';
export { rescore } from './scoring';
export type { Ctx } from './support';

export const handlers: Handlers<keyof ActionArgs> = { ...implementationHandlers, ...objectionHandlers, ...repairHandlers, ...publicityHandlers };
