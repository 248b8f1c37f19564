ALTER TABLE "cases" ADD COLUMN "pushed_by" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "pushed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "feedback_reports" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "journal" ADD COLUMN "agency_id" text;--> statement-breakpoint
ALTER TABLE "journal" ADD COLUMN "run_id" text;--> statement-breakpoint
ALTER TABLE "journal" ADD COLUMN "activity_id" text;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "case_measures_code_idx" ON "case_measures" USING btree ("code");--> statement-breakpoint
CREATE INDEX "cases_authority_idx" ON "cases" USING btree ("authority_id");--> statement-breakpoint
CREATE INDEX "overdue_steps_open_idx" ON "overdue_steps" USING btree ("due_at") WHERE "overdue_steps"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "targets_name_trgm_idx" ON "targets" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "targets_credit_code_idx" ON "targets" USING btree ("credit_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "targets_status_idx" ON "targets" USING btree ("status","updated_at");