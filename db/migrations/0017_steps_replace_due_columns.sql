ALTER TABLE "overdue_steps" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "overdue_steps" CASCADE;--> statement-breakpoint
DROP INDEX "cases_document_uq";--> statement-breakpoint
ALTER TABLE "case_implementers" DROP COLUMN "acknowledge_due_at";--> statement-breakpoint
ALTER TABLE "cases" DROP COLUMN "receipt_due_at";--> statement-breakpoint
ALTER TABLE "feedback_reports" DROP COLUMN "due_at";--> statement-breakpoint
ALTER TABLE "objections" DROP COLUMN "verify_due_at";--> statement-breakpoint
ALTER TABLE "objections" DROP COLUMN "release_due_at";--> statement-breakpoint
ALTER TABLE "repairs" DROP COLUMN "review_due_at";