CREATE TABLE "steps" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"rule" text NOT NULL,
	"target_id" text,
	"case_id" text,
	"change_id" text,
	"agency_id" text,
	"month" text,
	"opened_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"provisional" boolean DEFAULT false NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" text,
	"outcome" text,
	"overdue_at" timestamp with time zone,
	"reminders" integer DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "case_numbers" (
	"number" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"filed_by" text NOT NULL,
	"target_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answer" jsonb
);
--> statement-breakpoint
ALTER TABLE "overdue_steps" DROP CONSTRAINT "overdue_steps_case_id_cases_id_fk";
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "document_kind" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "received_on" date;--> statement-breakpoint
CREATE INDEX "steps_open_overdue_idx" ON "steps" USING btree ("due_at") WHERE "steps"."done_at" is null and "steps"."overdue_at" is not null;--> statement-breakpoint
CREATE INDEX "steps_target_idx" ON "steps" USING btree ("target_id");--> statement-breakpoint
CREATE INDEX "steps_case_idx" ON "steps" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "steps_agency_due_idx" ON "steps" USING btree ("agency_id","due_at");--> statement-breakpoint
CREATE INDEX "steps_due_idx" ON "steps" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "case_numbers_case_uq" ON "case_numbers" USING btree ("case_id");