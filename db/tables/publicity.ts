// R8 Publicity and R17 letters: what is published about each case and measure on each platform
// (the record as published, its status, the orders sent and their confirmations), the rules an
// ADMIN sets (004), and the letters to the party. Written by the target workflow's activities.
import { bigserial, boolean, date, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PublicityRules } from '../../domain/publicity';
import { agencies } from './agencies';

/** The record a platform publishes (docs: README "The publicity record"), as sent with each order. */
export interface PublicityRecordBody {
  recordId: string;
  /** gsxt or creditchina (domain/publicity.ts CHANNELS), and its name. */
  channel: string;
  channelName: string;
  /** 基本信息: the party. A person's identity number never leaves the system. */
  subject: { kind: 'enterprise' | 'person'; name: string; creditCode: string | null };
  /** 认定时间 */
  determinedOn: string;
  /** 认定原因 and the decision document. */
  cause: {
    source: string; documentNumber: string; issuer: string; issuedOn: string;
    penaltyType: string | null; penaltyTypeLabel: string | null; field: string | null;
  };
  measure: { code: string; name: string; category: string; from: string; until: string | null };
  /** 谁产生、谁负责: the agency whose information this is. */
  producer: { agencyId: string; name: string };
  /** 异议标注 (002 篇五 (二十一)): set while an objection or complaint is handled. */
  underObjection: boolean;
}

/** One record per case, measure and platform; a record withdrawn and published again (a repair revoked) is a new cycle. */
export const publicityRecords = pgTable('publicity_records', {
  /** `${caseId}/${code}@${channel}#${cycle}` */
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull(),
  targetId: text('target_id').notNull(),
  code: text('code').notNull(),
  channel: text('channel').notNull(),
  publisherId: text('publisher_id'),
  status: text('status', { enum: ['due', 'published', 'withdrawn'] }).notNull(),
  underObjection: boolean('under_objection').notNull().default(false),
  publishedOn: date('published_on'),
  withdrawnOn: date('withdrawn_on'),
  /** The record as last sent to the platform. */
  record: jsonb('record').$type<PublicityRecordBody>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('publicity_records_case_idx').on(t.caseId), index('publicity_records_target_idx').on(t.targetId)]);

/** Every order sent to a platform, in the order sent: the platform's feed (`seq` is the cursor). */
export const publicityOrders = pgTable('publicity_orders', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  id: text('id').notNull(),
  recordId: text('record_id').notNull(),
  caseId: text('case_id').notNull(),
  targetId: text('target_id').notNull(),
  workflowId: text('workflow_id').notNull(),
  publisherId: text('publisher_id'),
  kind: text('kind', { enum: ['publish', 'mark', 'unmark', 'withdraw'] }).notNull(),
  record: jsonb('record').$type<PublicityRecordBody>().notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The platform's own reference for what it did. */
  reference: text('reference'),
}, (t) => [uniqueIndex('publicity_orders_id_uq').on(t.id), index('publicity_orders_publisher_idx').on(t.publisherId, t.seq)]);

/** Settings an ADMIN changes, each with the seed it follows (one row per kind). */
export const policySettings = pgTable('policy_settings', {
  kind: text('kind').primaryKey(),
  value: jsonb('value').$type<PublicityRules>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * R17: the letters to the party: the notice of the determination (失信告知书) and the written
 * answers to objections, complaints and repair applications. The PDF is rendered from `content`
 * on request; delivery is recorded by date and way.
 */
export const letters = pgTable('letters', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull(),
  targetId: text('target_id').notNull(),
  kind: text('kind', { enum: ['determination', 'objection_answer', 'complaint_answer', 'repair_answer'] }).notNull(),
  /** Everything the letter says, fixed when it was issued. */
  content: jsonb('content').$type<Record<string, unknown>>().notNull(),
  issuedBy: text('issued_by').references(() => agencies.id),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  deliveredOn: date('delivered_on'),
  /** 直接送达, 邮寄送达 or 电子送达. */
  deliveryWay: text('delivery_way'),
  deliveredBy: text('delivered_by'),
}, (t) => [index('letters_case_idx').on(t.caseId)]);
