CREATE TABLE "repairs" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"filed_by" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"review_due_at" timestamp with time zone,
	"commitment" jsonb,
	"outcome" text,
	"decided_by" text,
	"decision_reason" text,
	"decided_at" timestamp with time zone,
	"commitment_fulfilled_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "case_measures" ADD COLUMN "minimum_end" date;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "seriousness" text DEFAULT 'general' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "repeated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "push_due_on" date;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "late" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "repairs_case_idx" ON "repairs" USING btree ("case_id");