CREATE TABLE "feedback_reports" (
	"target_id" text NOT NULL,
	"implementer_id" text NOT NULL,
	"month" text NOT NULL,
	"summary" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "feedback_reports_target_id_implementer_id_month_pk" PRIMARY KEY("target_id","implementer_id","month")
);
--> statement-breakpoint
ALTER TABLE "case_measures" ADD COLUMN "feedback_set" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "overdue_steps" ADD COLUMN "target_id" text;--> statement-breakpoint
ALTER TABLE "feedback_reports" ADD CONSTRAINT "feedback_reports_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_reports" ADD CONSTRAINT "feedback_reports_implementer_id_agencies_id_fk" FOREIGN KEY ("implementer_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "overdue_steps_target_step_uq" ON "overdue_steps" USING btree ("target_id","step");